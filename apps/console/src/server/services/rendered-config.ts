import type { Db } from "@dmvpn/db";
import { renderReadinessIssues } from "@dmvpn/inventory";
import {
  maskConfigFiles,
  maskedFilesHash,
  RENDER_TARGETS,
  RenderError,
  type RenderTarget,
  renderSiteConfig,
} from "@dmvpn/render";
import { z } from "zod";
import { DomainError, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { loadInventory } from "./inventory-store";

export const renderedConfigQuerySchema = z.object({
  id: z.string().min(1).max(64),
  target: z.enum(RENDER_TARGETS).optional(),
  includeSecrets: z.boolean().default(false),
});

/**
 * One site's configuration for its platform (or another target). Secrets (the pre-shared key, the NHRP key)
 * are masked by position, and the hash is over what is returned, unless an admin asks for them; that read is
 * audited. Problems the target cannot honour come back as per-field issues, not a config.
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
      network,
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
    // The hash people see is over the masked files, with or without the keys shown, so it matches the deployed
    // revision's maskedHash; the real content hash stays between the console and its agents.
    const hash = maskedFilesHash(config.files);
    if (q.includeSecrets) return { ok: true as const, ...config, hash, secretsIncluded: true };
    return { ok: true as const, ...config, files: maskConfigFiles(config.files), hash, secretsIncluded: false };
  } catch (err) {
    if (err instanceof RenderError)
      return { ok: false as const, issues: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
    throw err;
  }
}
