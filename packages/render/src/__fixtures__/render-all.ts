import type { NetworkSpec, SiteSpec } from "@dmvpn/inventory";
import { renderSiteConfig } from "../render";
import { RenderError, type RenderedConfig, type RenderTarget } from "../types";

/** Renders every site of one network for one target, whatever each site's own platform. */
export function renderAllFor(
  network: NetworkSpec,
  sites: SiteSpec[],
  target: RenderTarget,
): (RenderedConfig | RenderError)[] {
  const hubs = sites.filter((s) => s.role === "hub");
  const spokes = sites.filter((s) => s.role === "spoke");
  return sites.map((site) => {
    try {
      return renderSiteConfig({ network, site, hubs, spokes, target });
    } catch (e) {
      if (e instanceof RenderError) return e;
      throw e;
    }
  });
}
