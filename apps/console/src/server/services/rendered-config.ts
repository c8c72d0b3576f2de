import type { Db } from "@dmvpn/db";
import { renderReadinessIssues } from "@dmvpn/inventory";
import { RENDER_TARGETS, RenderError, type RenderTarget, renderSiteConfig } from "@dmvpn/render";
import { z } from "zod";
import { DomainError, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { displayedHash } from "./displayed-hash";
import { loadInventory } from "./inventory-store";

/** Stands in for the pre-shared key in configs shown to people who did not ask for (or may not see) the key. */
export const HIDDEN_PSK = "HIDDEN-ask-an-admin-for-the-key";

export const renderedConfigQuerySchema = z.object({
  id: z.string().min(1).max(64),
  target: z.enum(RENDER_TARGETS).optional(),
  includeSecrets: z.boolean().default(false),
});

/**
 * One site's configuration for its platform (or another target). The key is masked unless an admin asks for
 * it, and that read is audited. Problems the target cannot honour come back as per-field issues, not a config.
 */
export async function renderSiteById(db: Db, actor: Actor, query: z.input<typeof renderedConfigQuerySchema>) {
  const q = renderedConfigQuerySchema.parse(query);
  const row = await db.site.findUnique({ where: { id: q.id }, select: { name: true, networkId: true } });
  if (!row) throw notFound("site");
  if (q.includeSecrets && actor.role !== "admin") {
    throw new DomainError("FORBIDDEN", "only admins can see configs with the pre-shared key");
  }
  const { networks, sites } = await loadInventory(db, [row.networkId]);
  const network = networks[0];
  const site = sites.find((s) => s.name === row.name);
  if (!network || !site) throw notFound("site");
  const readiness = renderReadinessIssues(network, sites);
  if (readiness.length) return { ok: false as const, issues: readiness.map((i) => i.message) };
  try {
    const config = renderSiteConfig({
      network: q.includeSecrets ? network : { ...network, ipsecPsk: HIDDEN_PSK },
      site,
      hubs: sites.filter((s) => s.role === "hub"),
      spokes: sites.filter((s) => s.role === "spoke"),
      target: q.target as RenderTarget | undefined,
    });
    if (q.includeSecrets) {
      await recordAudit(db, actor, {
        action: "site.render-with-secrets",
        entityType: "site",
        entityId: q.id,
        entityName: site.name,
        networkId: row.networkId,
      });
    }
    // The same hash whether or not the key is shown, and the same as the deployed revision's (displayed-hash.ts).
    return {
      ok: true as const,
      ...config,
      hash: displayedHash(config.files, network.ipsecPsk),
      secretsIncluded: q.includeSecrets,
    };
  } catch (err) {
    if (err instanceof RenderError)
      return { ok: false as const, issues: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
    throw err;
  }
}
