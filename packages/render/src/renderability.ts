import type { FieldIssue, NetworkSpec, SiteSpec } from "@dmvpn/inventory";
import { renderSiteConfig } from "./render";
import { RenderError } from "./types";

/**
 * What `render` would refuse, as validation problems: every site of the given networks is rendered for its own
 * platform and its RenderErrors are returned, so validation and rendering share one set of checks and "valid"
 * means "renderable". Paths name records, not positions, so callers can point them at their own records:
 *   ["sites", <site name>, ...field]        a field of that site
 *   ["networks", <network name>, ...field]  a setting of the network; the message names the site that cannot
 *                                           carry it (one issue per such site)
 * `site` is the site whose rendering failed (absent for a network without hubs).
 */
export interface RenderabilityIssue extends FieldIssue {
  site?: string;
}

export function renderabilityIssues(
  networks: NetworkSpec[],
  sites: SiteSpec[],
  options: { requireHub?: boolean } = {},
): RenderabilityIssue[] {
  const { requireHub = true } = options;
  const issues: RenderabilityIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: RenderabilityIssue) => {
    // A hub's problem is found again while rendering every other site: report it once.
    const key = JSON.stringify([issue.path, issue.message]);
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  };
  for (const network of networks) {
    const members = sites.filter((s) => s.network === network.name);
    const hubs = members.filter((s) => s.role === "hub");
    const spokes = members.filter((s) => s.role === "spoke");
    if (hubs.length === 0) {
      if (requireHub && members.length > 0)
        add({ path: ["networks", network.name], message: "has no hub: add at least one hub before rendering configs" });
      // Without a hub every site fails the same way; nothing else can be learnt by rendering them.
      continue;
    }
    for (const site of members) {
      try {
        renderSiteConfig({ network, site, hubs, spokes });
      } catch (e) {
        if (!(e instanceof RenderError)) throw e;
        for (const i of e.issues) add(relocate(i, network.name, site.name));
      }
    }
  }
  return issues;
}

function relocate(issue: FieldIssue, network: string, site: string): RenderabilityIssue {
  const [head, ...rest] = issue.path;
  if (head === "site") return { path: ["sites", site, ...rest], message: issue.message, site };
  if (head === "hubs" && typeof rest[0] === "string")
    return { path: ["sites", rest[0], ...rest.slice(1)], message: issue.message, site };
  const message = issue.message.includes(site) ? issue.message : `cannot be rendered for ${site}: ${issue.message}`;
  if (head === "network") return { path: ["networks", network, ...rest], message, site };
  return { path: ["networks", network], message, site };
}
