import { PLATFORMS } from "@dmvpn/inventory";
import { maskConfigFiles, maskedFilesHash, renderSiteConfig } from "@dmvpn/render";
import { describe, expect, it } from "vitest";
import {
  REFERENCE_PSK,
  referenceNetwork,
  referenceSites,
} from "../../../../../packages/render/src/__fixtures__/reference-network";

// The hash people see (site page, revisions, deployment items, previews) is maskedFilesHash: the deployed revision
// (real key) and the site page (key hidden) of the same config must show the same one.
describe("maskedFilesHash, as the console shows it", () => {
  const network = referenceNetwork();
  const sites = referenceSites(network);
  const render = (psk: string, site = sites[0]!, platform = site.platform) =>
    renderSiteConfig({
      network: { ...network, ipsecPsk: psk },
      site: { ...site, platform },
      hubs: sites.filter((s) => s.role === "hub"),
      spokes: sites.filter((s) => s.role === "spoke"),
    });

  it.each(PLATFORMS)("%s: the revision (real key) and the masked view show the same hash", (platform) => {
    for (const site of sites) {
      const deployed = render(REFERENCE_PSK, site, platform);
      expect(deployed.files.map((f) => f.content).join("")).toContain(REFERENCE_PSK);
      // masking the masked view again changes nothing
      expect(maskedFilesHash(maskConfigFiles(deployed.files))).toBe(maskedFilesHash(deployed.files));
      // never the agents' hash over the real files
      expect(maskedFilesHash(deployed.files)).not.toBe(deployed.hash);
    }
  });

  it("changes with the config and not with the key", () => {
    const site = sites.find((s) => s.role === "spoke")!;
    const before = render(REFERENCE_PSK, site);
    const otherLan = render(REFERENCE_PSK, { ...site, lanPrefixes: ["10.99.0.0/24"] });
    const otherKey = render("Another-key-9876543210", site);
    expect(maskedFilesHash(otherLan.files)).not.toBe(maskedFilesHash(before.files));
    expect(maskedFilesHash(otherKey.files)).toBe(maskedFilesHash(before.files));
  });
});
