import type { FieldIssue, Inventory, NetworkSpec, SiteSpec } from "@dmvpn/inventory";
import { renderabilityIssues } from "@dmvpn/render";

/**
 * The renderer's own checks (render's renderabilityIssues), told against the record being saved, so the console
 * refuses what could not be rendered instead of storing it. A network without a hub is an ordinary state while
 * it is being built, so it is not refused here (deployments refuse it).
 */

/** Problems the site being saved would have: its own fields, and network settings its platform cannot carry. */
export function siteRenderIssues(network: NetworkSpec, members: SiteSpec[], siteName: string): FieldIssue[] {
  return renderabilityIssues([network], members, { requireHub: false }).flatMap((i): FieldIssue[] => {
    const [kind, name, ...field] = i.path;
    if (kind === "sites") return name === siteName ? [{ path: field, message: i.message }] : [];
    if (i.site !== siteName) return [];
    // The site form shows network problems under its Network field.
    return [{ path: ["network"], message: `${network.name} ${field.join(".") || "settings"}: ${i.message}` }];
  });
}

/** Settings of the network that some of its sites could not be rendered with, one issue per field. */
export function networkRenderIssues(network: NetworkSpec, sites: SiteSpec[]): FieldIssue[] {
  const byField = new Map<string, string[]>();
  for (const i of renderabilityIssues([network], sites, { requireHub: false })) {
    if (i.path[0] !== "networks") continue;
    const field = i.path.slice(2).join(".") || "name";
    byField.set(field, [...(byField.get(field) ?? []), i.message]);
  }
  return [...byField].map(([field, messages]) => ({
    path: [field],
    message: messages.slice(0, 3).join("; ") + (messages.length > 3 ? ` (and ${messages.length - 3} more sites)` : ""),
  }));
}

/** Render problems of an import, pointed at the imported records (by name) where they come from one. */
export function importRenderIssues(
  planned: Inventory,
  raw: {
    networks: { fields: Record<string, unknown>; at: (string | number)[] }[];
    sites: { fields: Record<string, unknown>; at: (string | number)[] }[];
  },
): FieldIssue[] {
  const at = {
    networks: new Map(raw.networks.map((n) => [String(n.fields.name ?? "").trim(), n.at])),
    sites: new Map(raw.sites.map((s) => [String(s.fields.name ?? "").trim(), s.at])),
  };
  const touched = new Set([
    ...at.networks.keys(),
    ...planned.sites.filter((s) => at.sites.has(s.name)).map((s) => s.network),
  ]);
  const networks = planned.networks.filter((n) => touched.has(n.name));
  return renderabilityIssues(networks, planned.sites, { requireHub: false }).map((i) => {
    const [kind, name, ...field] = i.path;
    if (typeof name !== "string") return { path: i.path, message: i.message };
    if (kind === "sites")
      return { path: [...(at.sites.get(name) ?? i.path.slice(0, 2)), ...field], message: i.message };
    const networkAt = at.networks.get(name);
    if (networkAt) return { path: [...networkAt, ...field], message: i.message };
    // A stored network's setting that an imported site cannot carry: told at that site's row.
    const siteAt = i.site ? at.sites.get(i.site) : undefined;
    return siteAt
      ? { path: [...siteAt, "platform"], message: `network ${name} ${field.join(".")}: ${i.message}` }
      : { path: i.path, message: i.message };
  });
}
