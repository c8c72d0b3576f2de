import type { SiteSpec } from "@dmvpn/inventory";
import { describe, expect, it } from "vitest";
import { REFERENCE_PSK, referenceNetwork, referenceSites } from "./__fixtures__/reference-network";
import { renderAllFor } from "./__fixtures__/render-all";
import { checkVyosSetLines, loadVyosCliTree } from "./__fixtures__/vyos-cli-check";
import { readHeader, sha256Hex } from "./header";
import { renderNetwork, renderSiteConfig } from "./render";
import { maskSecrets } from "./secret-lines";
import { RenderError, type RenderedConfig, type RenderInput, type RenderTarget } from "./types";

const network = referenceNetwork();
const sites = referenceSites(network);
const hubs = sites.filter((s) => s.role === "hub");
const spokes = sites.filter((s) => s.role === "spoke");
const site = (name: string) => sites.find((s) => s.name === name) as SiteSpec;

function render(name: string, target: RenderTarget, overrides: Partial<RenderInput> = {}): RenderedConfig {
  return renderSiteConfig({ network, site: site(name), hubs, spokes, target, ...overrides });
}
function text(config: RenderedConfig, file?: string): string {
  return config.files
    .filter((f) => !file || f.name === file)
    .map((f) => f.content)
    .join("");
}
function renderError(fn: () => unknown): RenderError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RenderError) return e;
    throw e;
  }
  throw new Error("expected a RenderError");
}

describe("BGP timers and BFD (network settings)", () => {
  const fast = referenceNetwork({ bgpKeepalive: 5, bgpHoldtime: 15, bfd: true });
  const fastSites = referenceSites(fast);
  const fastHubs = fastSites.filter((s) => s.role === "hub");
  const fastSpokes = fastSites.filter((s) => s.role === "spoke");
  const renderFast = (name: string, target: RenderTarget) =>
    renderSiteConfig({
      network: fast,
      site: fastSites.find((s) => s.name === name) as SiteSpec,
      hubs: fastHubs,
      spokes: fastSpokes,
      target,
    });

  it("defaults render no timers and no BFD on any target", () => {
    for (const target of ["frr", "frr-10", "vyos-1.4", "vyos-1.5", "ios"] as const) {
      const body = text(render("hub-1", target));
      expect(body).not.toMatch(/timers|bfd/);
    }
  });

  it.each(["frr", "frr-10"] as const)(
    "%s: timers under router bgp, BFD on every neighbour and the spokes' group",
    (target) => {
      const hub = text(renderFast("hub-1", target), "frr.conf");
      expect(hub).toContain("\n timers bgp 5 15\n");
      expect(hub).toContain("\nbfd\nexit\n");
      expect(hub).toContain(" neighbor SPOKES bfd\n");
      expect(hub).toContain(" neighbor 10.255.0.2 bfd\n");
      const spoke = text(renderFast("spoke-a", target), "frr.conf");
      expect(spoke).toContain(" neighbor 10.255.0.1 bfd\n");
      expect(spoke).toContain(" neighbor 10.255.0.2 bfd\n");
    },
  );

  it.each(["vyos-1.4", "vyos-1.5"] as const)("%s: protocols bgp timers and neighbour/peer-group bfd", (target) => {
    const hub = text(renderFast("hub-1", target));
    expect(hub).toContain("set protocols bgp timers holdtime '15'\n");
    expect(hub).toContain("set protocols bgp timers keepalive '5'\n");
    expect(hub).toContain("set protocols bgp neighbor 10.255.0.2 bfd\n");
    expect(hub).toContain("set protocols bgp peer-group SPOKES bfd\n");
  });

  it("IOS renders the timers, and refuses BFD naming the site and field", () => {
    const timersOnly = referenceNetwork({ bgpKeepalive: 5, bgpHoldtime: 15 });
    const ios = renderSiteConfig({ network: timersOnly, site: site("spoke-b"), hubs, spokes, target: "ios" });
    expect(text(ios)).toContain("\n timers bgp 5 15\n");
    const e = renderError(() => renderFast("spoke-b", "ios"));
    expect(e.site).toBe("spoke-b");
    expect(e.issues).toEqual([
      { path: ["network", "bfd"], message: expect.stringContaining("spoke-b runs Cisco IOS") },
    ]);
  });
});

describe("VyOS set commands against VyOS's CLI definitions", () => {
  const variants = [
    network,
    referenceNetwork({ phase: 2, asnPlan: "per-spoke", nhrpAuth: "secret1", espProposal: "aes128-sha1-modp2048" }),
    referenceNetwork({ routing: "static", ipsecEnabled: false }),
    referenceNetwork({ bgpKeepalive: 5, bgpHoldtime: 15, bfd: true }),
    referenceNetwork({ phase: 2, asnPlan: "per-spoke", bgpKeepalive: 30, bgpHoldtime: 0, bfd: true }),
  ];
  it.each(["1.4", "1.5"] as const)("every line of every site is a valid VyOS %s path and value", (version) => {
    const tree = loadVyosCliTree(version);
    let lines = 0;
    for (const n of variants) {
      const variantSites = referenceSites(n).map((s) =>
        s.behindNat && !n.ipsecEnabled ? { ...s, behindNat: false } : s,
      );
      for (const r of renderAllFor(n, variantSites, `vyos-${version}`)) {
        if (r instanceof RenderError) throw r;
        const setLines = text(r).split("\n");
        lines += setLines.length;
        expect(checkVyosSetLines(tree, setLines)).toEqual([]);
      }
    }
    expect(lines).toBeGreaterThan(500);
  });

  it("the checker rejects made-up paths, bad values and a 1.4 path on 1.5", () => {
    const tree14 = loadVyosCliTree("1.4");
    const tree15 = loadVyosCliTree("1.5");
    expect(checkVyosSetLines(tree14, ["set protocols nhrp tunnel tun0 holdtime '300'"])).toHaveLength(1);
    expect(checkVyosSetLines(tree14, ["set interfaces tunnel tun0 mtu '20000'"])).toHaveLength(1);
    expect(checkVyosSetLines(tree14, ["set vpn ipsec esp-group E mode 'tunnelx'"])).toHaveLength(1);
    expect(checkVyosSetLines(tree14, ["set protocols nhrp tunnel tun0 redirect 'yes'"])).toHaveLength(1);
    expect(checkVyosSetLines(tree15, ["set protocols nhrp tunnel tun0 map 10.0.0.1/24 register"])).toHaveLength(1);
    expect(checkVyosSetLines(tree15, ["set protocols nhrp tunnel tun0 holdtime '300'"])).toEqual([]);
  });
});

describe("renderSiteConfig", () => {
  it("is deterministic and hashes what it renders", () => {
    const a = render("spoke-a", "frr");
    const b = render("spoke-a", "frr");
    expect(a).toEqual(b);
    expect(a.hash).toBe(sha256Hex(a.files.map((f) => `${f.name}\0${f.content}\0`).join("")));
    for (const f of a.files) {
      const header = readHeader(f.content);
      expect(header?.site).toBe("spoke-a");
      expect(header?.target).toBe("frr");
      // Over the body with its secrets masked (the header is shown to people who may not see the key).
      expect(header?.bodySha256).toBe(sha256Hex(maskSecrets(header?.body ?? "")));
    }
    expect(render("spoke-b", "frr").hash).not.toBe(a.hash);
  });

  it("picks the target from the platform and uses the right comment syntax", () => {
    const cfg = renderSiteConfig({ network, site: site("spoke-b"), hubs, spokes });
    expect(cfg.target).toBe("ios");
    expect(cfg.files.map((f) => f.name)).toEqual(["config.ios"]);
    expect(cfg.files[0]?.content.startsWith("! Generated by DMVPN Console")).toBe(true);
    const frr = render("hub-2", "frr");
    expect(frr.files.map((f) => f.name)).toEqual(["gre.sh", "frr.conf", "swanctl.conf", "iptables.sh"]);
    expect(text(frr, "gre.sh").startsWith("#!/bin/sh\n# Generated")).toBe(true);
    expect(text(frr, "frr.conf").startsWith("! Generated")).toBe(true);
    expect(text(frr, "swanctl.conf").startsWith("# Generated")).toBe(true);
  });

  it("registers a spoke with every hub on every target", () => {
    expect(text(render("spoke-a", "vyos-1.4"))).toContain("set protocols nhrp tunnel tun0 map 10.255.0.2/24 register");
    expect(text(render("spoke-a", "vyos-1.5"))).toContain(
      "set protocols nhrp tunnel tun0 nhs tunnel-ip dynamic nbma '203.0.113.2'",
    );
    expect(text(render("spoke-a", "frr"))).toContain(
      " ip nhrp nhs dynamic nbma 203.0.113.1\n ip nhrp nhs dynamic nbma 203.0.113.2\n",
    );
    expect(text(render("spoke-a", "ios"))).toContain(" ip nhrp nhs 10.255.0.2 nbma 203.0.113.2 multicast");
  });

  it("phase 3: hubs redirect and summarise, spokes build shortcuts", () => {
    const hub = text(render("hub-1", "frr"));
    expect(hub).toContain(" ip nhrp redirect");
    expect(hub).toContain("nhrp nflog-group 1");
    // The tightest covering set of the spokes' LANs: 10.1.2.0/24 and 10.1.3.0/24 merge, nothing unused is covered.
    expect(hub.split("\n").filter((l) => l.includes("aggregate-address"))).toEqual([
      "  aggregate-address 10.1.1.0/24 summary-only",
      "  aggregate-address 10.1.2.0/23 summary-only",
      "  aggregate-address 10.1.4.0/24 summary-only",
      "  aggregate-address 192.168.50.0/24 summary-only",
    ]);
    expect(text(render("hub-1", "frr"), "iptables.sh")).toContain("-j NFLOG --nflog-group 1");
    expect(text(render("spoke-a", "frr"))).toContain(" ip nhrp shortcut");
    expect(text(render("spoke-a", "vyos-1.4"))).toContain("set protocols nhrp tunnel tun0 shortcut");
    expect(text(render("hub-1", "vyos-1.5"))).toContain("set protocols nhrp tunnel tun0 redirect");
  });

  it("phase 3: a hub refuses its fellow hub's summaries, so that it always originates them itself", () => {
    const filter = (target: RenderTarget, name = "hub-1") =>
      text(render(name, target))
        .split("\n")
        .filter((l) => l.includes("DMVPN-FROM-HUBS"));
    expect(filter("frr")).toEqual([
      "ip prefix-list DMVPN-FROM-HUBS seq 10 deny 10.1.1.0/24",
      "ip prefix-list DMVPN-FROM-HUBS seq 20 deny 10.1.2.0/23",
      "ip prefix-list DMVPN-FROM-HUBS seq 30 deny 10.1.4.0/24",
      "ip prefix-list DMVPN-FROM-HUBS seq 40 deny 192.168.50.0/24",
      "ip prefix-list DMVPN-FROM-HUBS seq 50 permit 0.0.0.0/0 le 32",
      "  neighbor 10.255.0.2 prefix-list DMVPN-FROM-HUBS in",
    ]);
    expect(filter("ios", "hub-2")).toContain("  neighbor 10.255.0.1 prefix-list DMVPN-FROM-HUBS in");
    expect(filter("vyos-1.5")).toEqual(
      expect.arrayContaining([
        "set protocols bgp neighbor 10.255.0.2 address-family ipv4-unicast prefix-list import 'DMVPN-FROM-HUBS'",
        "set policy prefix-list DMVPN-FROM-HUBS rule 40 prefix '192.168.50.0/24'",
        "set policy prefix-list DMVPN-FROM-HUBS rule 50 action 'permit'",
      ]),
    );
    // Spokes summarise nothing; a lone hub has no fellow to filter.
    expect(filter("frr", "spoke-a")).toEqual([]);
    expect(
      text(renderSiteConfig({ network, site: site("hub-1"), hubs: [site("hub-1")], spokes, target: "frr" })),
    ).not.toContain("prefix-list");
  });

  it("summary modes: none announces the spokes' LANs as they are; custom announces the operator's list", () => {
    const aggregates = (n: typeof network) =>
      text(renderSiteConfig({ network: n, site: site("hub-1"), hubs, spokes, target: "ios" }))
        .split("\n")
        .filter((l) => l.includes("aggregate-address") || l.includes("DMVPN-FROM-HUBS seq"));
    expect(aggregates({ ...network, bgpSummaryMode: "none", bgpSummaries: ["10.0.0.0/8"] })).toEqual([]);
    expect(aggregates({ ...network, bgpSummaryMode: "custom", bgpSummaries: ["10.1.0.0/16"] })).toEqual([
      "ip prefix-list DMVPN-FROM-HUBS seq 10 deny 10.1.0.0/16",
      "ip prefix-list DMVPN-FROM-HUBS seq 20 permit 0.0.0.0/0 le 32",
      "  aggregate-address 10.1.0.0 255.255.0.0 summary-only",
    ]);
  });

  it("phase 2 with per-spoke ASNs: hubs keep the spoke next hop, spokes speak eBGP with their own ASN", () => {
    const p2 = referenceNetwork({ phase: 2, asnPlan: "per-spoke" });
    const p2sites = referenceSites(p2);
    const input = (name: string, target: RenderTarget) => ({
      network: p2,
      site: p2sites.find((s) => s.name === name) as SiteSpec,
      hubs: p2sites.filter((s) => s.role === "hub"),
      spokes: p2sites.filter((s) => s.role === "spoke"),
      target,
    });
    const hub = text(renderSiteConfig(input("hub-1", "frr")));
    expect(hub).toContain("neighbor SPOKES remote-as external");
    expect(hub).toContain("neighbor SPOKES attribute-unchanged next-hop");
    expect(hub).not.toContain("aggregate-address");
    expect(hub).not.toContain("prefix-list");
    expect(hub).not.toContain("redirect");
    const spoke = text(renderSiteConfig(input("spoke-a", "vyos-1.4")));
    expect(spoke).toContain("set protocols bgp system-as '4200000002'");
    expect(spoke).toContain("set protocols bgp neighbor 10.255.0.1 remote-as '65000'");
    expect(spoke).not.toContain("shortcut");
  });

  it("single AS: hubs reflect to spokes and peer with each other", () => {
    const hub = text(render("hub-2", "vyos-1.4"));
    expect(hub).toContain("set protocols bgp peer-group SPOKES address-family ipv4-unicast route-reflector-client");
    expect(hub).toContain("set protocols bgp neighbor 10.255.0.1 remote-as '65000'");
    expect(text(render("hub-2", "ios"))).toContain("  neighbor SPOKES route-reflector-client");
  });

  it("spokes with dynamic or NATed WAN addresses source GRE from the interface", () => {
    expect(text(render("spoke-c", "vyos-1.4"))).toContain("set interfaces tunnel tun0 source-address '0.0.0.0'");
    expect(text(render("spoke-d", "vyos-1.4"))).toContain("set interfaces tunnel tun0 source-address '0.0.0.0'");
    expect(text(render("spoke-a", "vyos-1.4"))).toContain("set interfaces tunnel tun0 source-address '198.51.100.11'");
    expect(text(render("spoke-c", "vyos-1.5"))).toContain("set interfaces tunnel tun0 source-interface 'eth0'");
    expect(text(render("spoke-d", "vyos-1.5"))).toContain("set interfaces tunnel tun0 source-interface 'pppoe0'");
  });

  it("IPsec: transport mode, IKEv2 proposal split per target, PSK only where it belongs", () => {
    const vyos = text(render("spoke-a", "vyos-1.4"));
    expect(vyos).toContain("set vpn ipsec esp-group ESP-DMVPN mode 'transport'");
    expect(vyos).toContain("set vpn ipsec ike-group IKE-DMVPN proposal 1 dh-group '14'");
    expect(vyos).toContain(`set vpn ipsec profile DMVPN authentication pre-shared-secret '${REFERENCE_PSK}'`);
    const ios = text(render("spoke-a", "ios"));
    expect(ios).toContain(" encryption aes-cbc-256\n integrity sha256\n group 14");
    expect(ios).toContain("crypto ipsec transform-set DMVPN esp-aes 256 esp-sha256-hmac\n mode transport");
    const frr = render("spoke-a", "frr");
    expect(text(frr, "swanctl.conf")).toContain("mode = transport");
    // stock strongSwan by default: trap policies, no nhrpd `tunnel protection` (frr-ipsec.test.ts)
    expect(text(frr, "swanctl.conf")).toContain("start_action = trap");
    expect(text(frr, "frr.conf")).not.toContain("tunnel protection");
    expect(text(frr, "frr.conf")).not.toContain(REFERENCE_PSK);

    const plain = referenceNetwork({ ipsecEnabled: false });
    const cfg = renderSiteConfig({ network: plain, site: site("spoke-a"), hubs, spokes, target: "frr" });
    expect(cfg.files.map((f) => f.name)).not.toContain("swanctl.conf");
    expect(text(cfg)).not.toContain("tunnel protection");
  });

  it("MTU and MSS on every target", () => {
    expect(text(render("spoke-a", "vyos-1.5"))).toContain("set interfaces tunnel tun0 ip adjust-mss '1360'");
    expect(text(render("spoke-a", "ios"))).toContain(" ip mtu 1400\n ip tcp adjust-mss 1360");
    expect(text(render("spoke-a", "frr"), "gre.sh")).toContain("ip link set gre1 mtu 1400 up");
    expect(text(render("spoke-a", "frr"), "iptables.sh")).toContain("TCPMSS --set-mss 1360");
  });

  it("static routing: no BGP, hubs route spoke LANs to the spoke, spokes via the hubs", () => {
    const st = referenceNetwork({ routing: "static" });
    const hub = text(renderSiteConfig({ network: st, site: site("hub-1"), hubs, spokes, target: "frr" }));
    expect(hub).not.toContain("router bgp");
    expect(hub).toContain("ip route 10.1.2.0/24 10.255.0.12");
    const spoke = text(renderSiteConfig({ network: st, site: site("spoke-a"), hubs, spokes, target: "ios" }));
    expect(spoke).toContain("ip route 10.1.2.0 255.255.255.0 10.255.0.1");
    expect(spoke).toContain("ip route 10.1.2.0 255.255.255.0 10.255.0.2");
    expect(spoke).not.toContain("ip route 10.1.1.0");
  });

  it("VyOS 1.5 meets its commit-time rules", () => {
    const out = text(render("spoke-e", "vyos-1.5"));
    expect(out).toContain("address '10.255.0.15/32'");
    expect(out).toContain("encapsulation 'gre'");
    expect(out).toContain("network-id '1'");
    expect(out).not.toMatch(/ remote /);
    expect(out).toContain("set protocols static route 10.255.0.0/24 next-hop 10.255.0.1 distance '250'");
  });
});

describe("inputs a target cannot honour", () => {
  it("NHRP authentication on FRR 8.4", () => {
    const auth = referenceNetwork({ nhrpAuth: "abc" });
    const e = renderError(() =>
      renderSiteConfig({ network: auth, site: site("spoke-a"), hubs, spokes, target: "frr" }),
    );
    expect(e.site).toBe("spoke-a");
    expect(e.issues[0]?.path).toEqual(["network", "nhrpAuth"]);
    expect(text(renderSiteConfig({ network: auth, site: site("spoke-a"), hubs, spokes, target: "ios" }))).toContain(
      "ip nhrp authentication abc",
    );
  });

  it("a hub behind NAT or without a public address, and a network without hubs", () => {
    const natHub = { ...site("hub-2"), behindNat: true };
    const e1 = renderError(() => render("spoke-a", "vyos-1.4", { hubs: [site("hub-1"), natHub] }));
    expect(e1.issues.map((i) => i.path.join("."))).toContain("hubs.hub-2.behindNat");
    const noAddress = { ...site("hub-1"), publicAddress: null };
    const e2 = renderError(() => render("hub-1", "ios", { site: noAddress, hubs: [noAddress, site("hub-2")] }));
    expect(e2.issues.map((i) => i.path.join("."))).toContain("site.publicAddress");
    const e3 = renderError(() => render("spoke-a", "frr", { hubs: [] }));
    expect(e3.issues[0]?.message).toMatch(/no hub/);
  });

  it("a NATed spoke without IPsec, and the PSK never appears in messages", () => {
    const plain = referenceNetwork({ ipsecEnabled: false });
    const e = renderError(() =>
      renderSiteConfig({ network: plain, site: site("spoke-c"), hubs, spokes, target: "vyos-1.5" }),
    );
    expect(e.issues[0]?.path).toEqual(["network", "ipsecEnabled"]);
    expect(e.message).not.toContain(REFERENCE_PSK);
  });

  it("static routing or a phase-3 hub without the spoke list", () => {
    expect(renderError(() => render("hub-1", "frr", { spokes: undefined })).issues[0]?.path).toEqual(["spokes"]);
    expect(render("spoke-a", "frr", { spokes: undefined }).files.length).toBeGreaterThan(0);
  });

  it("VyOS limits the inventory allows: MSS below 536, holdtime above 65000 on 1.5", () => {
    const lowMss = referenceNetwork({ tcpMss: 520 });
    expect(
      renderError(() => renderSiteConfig({ network: lowMss, site: site("spoke-a"), hubs, spokes, target: "vyos-1.4" }))
        .issues[0]?.path,
    ).toEqual(["network", "tcpMss"]);
    const longHold = referenceNetwork({ nhrpHoldtime: 65535 });
    expect(
      renderError(() =>
        renderSiteConfig({ network: longHold, site: site("spoke-a"), hubs, spokes, target: "vyos-1.5" }),
      ).issues[0]?.path,
    ).toEqual(["network", "nhrpHoldtime"]);
    expect(
      text(renderSiteConfig({ network: longHold, site: site("spoke-a"), hubs, spokes, target: "vyos-1.4" })),
    ).toContain("holding-time '65535'");
  });

  it("an IKE proposal no target can express", () => {
    const odd = referenceNetwork({ ikeProposal: "aes256gcm16-prfsha256-ecp256" });
    expect(
      renderError(() => renderSiteConfig({ network: odd, site: site("spoke-a"), hubs, spokes, target: "ios" }))
        .issues[0]?.path,
    ).toEqual(["network", "ikeProposal"]);
  });
});

describe("renderNetwork", () => {
  it("renders each site for its own platform and reports failures per site", () => {
    const { configs, errors } = renderNetwork(network, sites);
    expect(errors).toEqual([]);
    expect(configs.map((c) => `${c.site}:${c.target}`)).toEqual([
      "hub-1:vyos-1.5",
      "hub-2:frr",
      "spoke-a:vyos-1.4",
      "spoke-b:ios",
      "spoke-c:frr",
      "spoke-d:vyos-1.5",
      "spoke-e:vyos-1.5",
    ]);
    const auth = referenceNetwork({ nhrpAuth: "abc" });
    const withAuth = renderNetwork(auth, referenceSites(auth));
    expect(withAuth.errors.map((e) => e.site)).toEqual(["hub-2", "spoke-c"]);
    expect(withAuth.configs).toHaveLength(5);
  });
});
