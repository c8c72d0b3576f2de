/**
 * The entity types services record in the audit log (recordAudit's entityType), with where each lives in the
 * console. The audit page offers one filter per type and links each entry to its entity.
 */
export const AUDIT_ENTITY_TYPES = [
  "network",
  "site",
  "deployment",
  "inventory",
  "user",
  "api-token",
  "webhook",
] as const;

export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export const AUDIT_ENTITY_LABELS: Record<AuditEntityType, string> = {
  network: "Networks",
  site: "Sites",
  deployment: "Deployments",
  inventory: "Inventory imports",
  user: "Users",
  "api-token": "API tokens",
  webhook: "Webhooks",
};

type Role = "admin" | "operator" | "viewer";

/** Pages only admins may open: other roles get no link rather than a refusal. */
const ADMIN_ONLY = new Set<string>(["user", "webhook"]);

/**
 * Where an audit entry's entity is shown, or null when there is nowhere to go: the entity was deleted by this
 * very entry, the type is unknown, or the viewer's role cannot open that page.
 */
export function auditEntityHref(
  entry: { entityType: string; entityId: string | null; action: string },
  role: Role,
): string | null {
  if (entry.action.endsWith(".delete") || entry.action.endsWith(".remove")) return null;
  if (ADMIN_ONLY.has(entry.entityType) && role !== "admin") return null;
  const id = entry.entityId ? encodeURIComponent(entry.entityId) : null;
  switch (entry.entityType) {
    case "network":
      return id ? `/networks/${id}` : "/networks";
    case "site":
      return id ? `/sites/${id}` : "/sites";
    case "deployment":
      return id ? `/deployments/${id}` : "/deployments";
    case "inventory":
      return "/import";
    case "user":
      return "/users";
    case "api-token":
      return "/settings/tokens";
    case "webhook":
      return "/settings/webhooks";
    default:
      return null;
  }
}
