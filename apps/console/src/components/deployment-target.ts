import type { DeploymentTarget } from "~/server/services/deployments";

/** Which sites: one (?siteId), a list (?siteIds=a,b), a network (?networkId) or the sites list's filter (?filter=1&…). */
export function targetFromParams(params: Record<string, string | undefined>): DeploymentTarget | null {
  if (params.siteId) return { siteIds: [params.siteId] };
  if (params.siteIds) return { siteIds: params.siteIds.split(",").filter(Boolean) };
  if (params.networkId && !params.filter) return { networkId: params.networkId };
  if (params.filter) {
    const { search, networkId, role, platform, tag } = params;
    return {
      filter: {
        search,
        networkId,
        role: role as "hub" | "spoke" | undefined,
        platform: platform as "vyos-1.5" | undefined,
        tag,
      },
    };
  }
  return null;
}
