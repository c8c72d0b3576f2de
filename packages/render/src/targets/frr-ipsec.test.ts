import type { SiteSpec } from "@dmvpn/inventory";
import { describe, expect, it } from "vitest";
import { REFERENCE_PSK, referenceNetwork, referenceSites } from "../__fixtures__/reference-network";
import { renderSiteConfig } from "../render";
import type { RenderedConfig } from "../types";
import { FRR_IPSEC_NHRP_VICI_TAG } from "./frr-ipsec";

const network = referenceNetwork();
const sites = referenceSites(network);
const hubs = sites.filter((s) => s.role === "hub");
const spokes = sites.filter((s) => s.role === "spoke");
const site = (name: string) => sites.find((s) => s.name === name) as SiteSpec;

function file(cfg: RenderedConfig, name: string): string {
  const f = cfg.files.find((x) => x.name === name);
  if (!f) throw new Error(`no ${name} in ${cfg.files.map((x) => x.name).join(", ")}`);
  return f.content;
}
const render = (s: SiteSpec, n = network) => renderSiteConfig({ network: n, site: s, hubs, spokes, target: "frr" });

describe("frr IPsec with stock strongSwan (trap policies)", () => {
  for (const name of ["hub-1", "spoke-a", "spoke-d"]) {
    it(`${name}: one wildcard transport-mode GRE connection, trapped, no tunnel protection`, () => {
      const cfg = render(site(name));
      const swanctl = file(cfg, "swanctl.conf");
      expect(swanctl).toMatch(/^# IPsec mode: trap policies/m);
      expect(swanctl).toContain("    remote_addrs = %any\n");
      expect(swanctl).toContain("    mobike = no\n");
      expect(swanctl).toContain("        mode = transport\n");
      expect(swanctl).toContain("        local_ts = dynamic[gre]\n        remote_ts = dynamic[gre]\n");
      expect(swanctl).toContain("        start_action = trap\n");
      // A trap with a fixed peer would cover one hub only; and nothing may force UDP encapsulation on non-NAT peers.
      expect(swanctl).not.toMatch(/remote_addrs = (?!%any)/);
      expect(swanctl).not.toContain("encap = yes");
      expect(swanctl).toContain(`secret = "${REFERENCE_PSK}"`);
      const frr = file(cfg, "frr.conf");
      expect(frr).not.toContain("tunnel protection");
      expect(frr).not.toContain(REFERENCE_PSK);
    });
  }

  it("the site tag selects nhrpd `tunnel protection` for a patched strongSwan, and says so", () => {
    const patched = { ...site("spoke-a"), tags: [...site("spoke-a").tags, FRR_IPSEC_NHRP_VICI_TAG] };
    const cfg = render(patched);
    const swanctl = file(cfg, "swanctl.conf");
    expect(swanctl).toMatch(/^# IPsec mode: nhrpd `tunnel protection`/m);
    expect(swanctl).toContain("NEEDS a strongSwan patched");
    expect(swanctl).toContain("        start_action = none\n");
    expect(swanctl).not.toContain("start_action = trap");
    expect(file(cfg, "frr.conf")).toContain(" tunnel protection vici profile dmvpn\n");
    // other sites of the same network keep trap mode
    expect(file(render(site("spoke-b")), "swanctl.conf")).toContain("start_action = trap");
  });

  it("IPsec off: no swanctl.conf and no tunnel protection, whatever the tag", () => {
    const plain = referenceNetwork({ ipsecEnabled: false });
    const tagged = { ...site("spoke-a"), tags: [FRR_IPSEC_NHRP_VICI_TAG] };
    const cfg = render(tagged, plain);
    expect(cfg.files.map((f) => f.name)).not.toContain("swanctl.conf");
    expect(file(cfg, "frr.conf")).not.toContain("tunnel protection");
  });
});
