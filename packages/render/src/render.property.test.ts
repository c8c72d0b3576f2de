import { compareAddresses, validateNetworkSites } from "@dmvpn/inventory";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildNetwork, networkShapeArbitrary } from "./__fixtures__/generated-network";
import { renderAllFor } from "./__fixtures__/render-all";
import { checkVyosSetLines, loadVyosCliTree } from "./__fixtures__/vyos-cli-check";
import { TUNNEL_INTERFACE } from "./naming";
import { renderNetwork } from "./render";
import { RENDER_TARGETS, RenderError } from "./types";

const trees = { "vyos-1.4": loadVyosCliTree("1.4"), "vyos-1.5": loadVyosCliTree("1.5") };

describe("random valid inventories", () => {
  it("every site renders on every target; spokes reference every hub; VyOS lines stay valid", () => {
    fc.assert(
      fc.property(networkShapeArbitrary, (shape) => {
        const { network, sites } = buildNetwork(shape);
        expect(validateNetworkSites(network, sites)).toEqual([]);
        const hubs = sites.filter((s) => s.role === "hub");
        const own = renderNetwork(network, sites);
        expect(own.errors).toEqual([]);
        expect(own.configs).toHaveLength(sites.length);
        for (const target of RENDER_TARGETS) {
          const results = renderAllFor(network, sites, target);
          results.forEach((r, i) => {
            if (r instanceof RenderError) throw new Error(`${target} ${r.message}`);
            const site = sites[i];
            const body = r.files.map((f) => f.content).join("\n");
            expect(body).toContain(TUNNEL_INTERFACE[target]);
            expect(body).toContain(site?.tunnelAddress);
            if (site?.role === "spoke") for (const hub of hubs) expect(body).toContain(hub.publicAddress as string);
            if (target === "vyos-1.4" || target === "vyos-1.5")
              expect(checkVyosSetLines(trees[target], body.split("\n"))).toEqual([]);
          });
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it("tunnel addresses are unique and each site's config carries only its own", () => {
    fc.assert(
      fc.property(networkShapeArbitrary, (shape) => {
        const { network, sites } = buildNetwork(shape);
        const addresses = sites.map((s) => s.tunnelAddress).sort(compareAddresses);
        expect(new Set(addresses).size).toBe(addresses.length);
        const own = renderAllFor(network, sites, "frr").map((r) => {
          if (r instanceof RenderError) throw r;
          return /ip addr add (\S+)\/32 dev gre1/.exec(r.files[0]?.content ?? "")?.[1];
        });
        expect(own).toEqual(sites.map((s) => s.tunnelAddress));
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
