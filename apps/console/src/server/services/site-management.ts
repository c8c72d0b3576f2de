import type { Db } from "@dmvpn/db";
import { UNMANAGED_PLATFORMS } from "./enrollment";

/**
 * How the console manages a site. `agent`: an enrolled agent pushes configs, confirms them and reports status.
 * `config-managed` (agentless): no agent enrolled (Cisco IOS takes a proxy agent on a Linux host, or none); the
 * console keeps the config revisions, an operator applies them and marks them applied, and nothing is known of
 * the router's live state.
 */
export type SiteManagement = "agent" | "config-managed";

export function isAgentManaged(platform: string, agent: { revokedAt: Date | null } | null | undefined): boolean {
  return !UNMANAGED_PLATFORMS.has(platform) && !!agent && !agent.revokedAt;
}

export async function siteManagement(db: Db, siteId: string, platform: string): Promise<SiteManagement> {
  const agent = await db.agent.findUnique({ where: { siteId }, select: { revokedAt: true } });
  return isAgentManaged(platform, agent) ? "agent" : "config-managed";
}
