import { PLATFORMS } from "@dmvpn/inventory";
import { renderSiteConfig } from "@dmvpn/render";
import { describe, expect, it } from "vitest";
import {
  REFERENCE_PSK,
  referenceNetwork,
  referenceSites,
} from "../../../../../packages/render/src/__fixtures__/reference-network";
import { displayedHash } from "./displayed-hash";
import { HIDDEN_PSK } from "./rendered-config";

describe("displayedHash", () => {
  const network = referenceNetwork();
  const sites = referenceSites(network);
  const render = (psk: string, site = sites[0]!, platform = site.platform) =>
    renderSiteConfig({
      network: { ...network, ipsecPsk: psk },
      site: { ...site, platform },
      hubs: sites.filter((s) => s.role === "hub"),
      spokes: sites.filter((s) => s.role === "spoke"),
    });

  it.each(PLATFORMS)("%s: the revision (real key) and the site page (key hidden) show the same hash", (platform) => {
    for (const site of sites) {
      const deployed = render(REFERENCE_PSK, site, platform);
      const shown = render(HIDDEN_PSK, site, platform);
      expect(deployed.files.map((f) => f.content).join("")).toContain(REFERENCE_PSK);
      expect(displayedHash(deployed.files, REFERENCE_PSK)).toBe(displayedHash(shown.files, REFERENCE_PSK));
      // the masked render holds no key, so masking it again changes nothing
      expect(displayedHash(shown.files, "")).toBe(displayedHash(shown.files, REFERENCE_PSK));
      // never the agents' hash over the real files
      expect(displayedHash(deployed.files, REFERENCE_PSK)).not.toBe(deployed.hash);
    }
  });

  it("changes with the config and not with the key", () => {
    const site = sites.find((s) => s.role === "spoke")!;
    const before = render(REFERENCE_PSK, site);
    const otherLan = render(REFERENCE_PSK, { ...site, lanPrefixes: ["10.99.0.0/24"] });
    const otherKey = render("Another-key-9876543210", site);
    expect(displayedHash(otherLan.files, REFERENCE_PSK)).not.toBe(displayedHash(before.files, REFERENCE_PSK));
    expect(displayedHash(otherKey.files, "Another-key-9876543210")).toBe(displayedHash(before.files, REFERENCE_PSK));
  });
});
