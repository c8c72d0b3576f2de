import type { NetworkSpec, SiteSpec } from "@dmvpn/inventory";

/**
 * TEMPORARY. Stands in for `renderSiteConfig` of @dmvpn/render (target "frr"), which did not exist yet when the
 * lab was built. Same input and the same three files, so the smoke scenario switches by changing one import;
 * delete this file then. Only what the smoke scenario needs: FRR nhrpd phase 3, iBGP with the hubs as route
 * reflectors, no IPsec (Debian's strongSwan cannot do `tunnel protection`, see lab.md).
 */
export interface RenderedSiteFiles {
  "gre.sh": string;
  "frr.conf": string;
  "iptables.sh": string;
}

export function renderSiteConfigTemporary(input: {
  network: NetworkSpec;
  site: SiteSpec;
  hubs: SiteSpec[];
}): RenderedSiteFiles {
  const { network, site, hubs } = input;
  const isHub = site.role === "hub";
  const gre = [
    `ip tunnel add gre1 mode gre key ${network.greKey} ttl 64 dev ${site.wanInterface}`,
    `ip addr add ${site.tunnelAddress}/32 dev gre1`,
    `ip link set gre1 mtu ${network.tunnelMtu} up`,
    "",
  ].join("\n");

  const nhrp = [
    "interface gre1",
    ` ip nhrp network-id ${network.nhrpNetworkId}`,
    ` ip nhrp holdtime ${network.nhrpHoldtime}`,
    " ip nhrp registration no-unique",
    ...(isHub ? [" ip nhrp redirect"] : [" ip nhrp shortcut"]),
    ...(isHub ? [] : hubs.map((hub) => ` ip nhrp nhs dynamic nbma ${hub.publicAddress}`)),
    ` tunnel source ${site.wanInterface}`,
    " no link-detect",
    "exit",
    ...(isHub ? ["nhrp nflog-group 1"] : []),
  ];

  const bgp = isHub
    ? [
        `router bgp ${network.bgpAsn}`,
        ` bgp router-id ${site.tunnelAddress}`,
        " no bgp ebgp-requires-policy",
        " timers bgp 5 15",
        " neighbor SPOKES peer-group",
        ` neighbor SPOKES remote-as ${network.bgpAsn}`,
        " neighbor SPOKES disable-connected-check",
        ` bgp listen range ${network.tunnelPrefix} peer-group SPOKES`,
        " address-family ipv4 unicast",
        "  neighbor SPOKES route-reflector-client",
        "  neighbor SPOKES next-hop-self force",
        " exit-address-family",
        "exit",
      ]
    : [
        `router bgp ${network.bgpAsn}`,
        ` bgp router-id ${site.tunnelAddress}`,
        " no bgp ebgp-requires-policy",
        " timers bgp 5 15",
        ...hubs.flatMap((hub) => [
          ` neighbor ${hub.tunnelAddress} remote-as ${network.bgpAsn}`,
          ` neighbor ${hub.tunnelAddress} disable-connected-check`,
        ]),
        " address-family ipv4 unicast",
        ...site.lanPrefixes.map((prefix) => `  network ${prefix}`),
        " exit-address-family",
        "exit",
      ];

  const frr = ["frr defaults traditional", `hostname ${site.name}`, "!", ...nhrp, "!", ...bgp, ""].join("\n");

  const iptables = [
    `iptables -t mangle -A FORWARD -o gre1 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss ${network.tcpMss}`,
    ...(isHub
      ? [
          "iptables -A FORWARD -i gre1 -o gre1 -m hashlimit --hashlimit-upto 4/minute --hashlimit-burst 1 --hashlimit-mode srcip,dstip --hashlimit-srcmask 24 --hashlimit-dstmask 24 --hashlimit-name loglimit-0 -j NFLOG --nflog-group 1 --nflog-range 128",
        ]
      : []),
    "",
  ].join("\n");

  return { "gre.sh": gre, "frr.conf": frr, "iptables.sh": iptables };
}
