import type { NetworkSpec, Platform, SiteSpec } from "@dmvpn/inventory";
import { type CommentStyle, sha256Hex, withHeader } from "./header";
import { buildSitePlan, type SitePlan } from "./plan";
import { renderFrr } from "./targets/frr";
import { renderIos } from "./targets/ios";
import { renderVyos14 } from "./targets/vyos-1.4";
import { renderVyos15 } from "./targets/vyos-1.5";
import { RenderError, type RenderedConfig, type RenderedFile, type RenderInput, type RenderTarget } from "./types";

export const PLATFORM_TARGET: Record<Platform, RenderTarget> = {
  "vyos-1.4": "vyos-1.4",
  "vyos-1.5": "vyos-1.5",
  "frr-linux": "frr",
  "frr-linux-10": "frr-10",
  "cisco-ios": "ios",
};

const TARGET_RENDERERS: Record<RenderTarget, (plan: SitePlan) => RenderedFile[]> = {
  "vyos-1.4": renderVyos14,
  "vyos-1.5": renderVyos15,
  frr: renderFrr,
  "frr-10": renderFrr,
  ios: renderIos,
};

function commentStyle(target: RenderTarget, fileName: string): CommentStyle {
  if (fileName.endsWith(".conf") && fileName !== "swanctl.conf") return "!";
  return target === "ios" ? "!" : "#";
}

export function renderSiteConfig(input: RenderInput): RenderedConfig {
  const target = input.target ?? PLATFORM_TARGET[input.site.platform];
  const plan = buildSitePlan(input, target);
  const files = TARGET_RENDERERS[target](plan).map((f) => ({
    name: f.name,
    content: withHeader(
      commentStyle(target, f.name),
      input.site.name,
      target,
      f.name,
      f.content,
      f.name.endsWith(".sh") ? "#!/bin/sh" : undefined,
    ),
  }));
  return {
    site: input.site.name,
    target,
    files,
    hash: sha256Hex(files.map((f) => `${f.name}\0${f.content}\0`).join("")),
  };
}

/**
 * Renders every site of the given networks, each for its own platform. Sites whose network is missing or
 * cannot be rendered come back as errors; the rest still render.
 */
export function renderNetwork(
  networks: NetworkSpec | NetworkSpec[],
  sites: SiteSpec[],
): { configs: RenderedConfig[]; errors: RenderError[] } {
  const byName = new Map((Array.isArray(networks) ? networks : [networks]).map((n) => [n.name, n]));
  const members = new Map<string, { hubs: SiteSpec[]; spokes: SiteSpec[] }>();
  for (const s of sites) {
    let m = members.get(s.network);
    if (!m) {
      m = { hubs: [], spokes: [] };
      members.set(s.network, m);
    }
    (s.role === "hub" ? m.hubs : m.spokes).push(s);
  }
  const configs: RenderedConfig[] = [];
  const errors: RenderError[] = [];
  for (const site of sites) {
    const network = byName.get(site.network);
    if (!network) {
      errors.push(
        new RenderError(site.name, [
          { path: ["site", "network"], message: `network ${site.network} is not in the inventory` },
        ]),
      );
      continue;
    }
    const m = members.get(site.network) as { hubs: SiteSpec[]; spokes: SiteSpec[] };
    try {
      configs.push(renderSiteConfig({ network, site, hubs: m.hubs, spokes: m.spokes }));
    } catch (e) {
      if (e instanceof RenderError) errors.push(e);
      else throw e;
    }
  }
  return { configs, errors };
}
