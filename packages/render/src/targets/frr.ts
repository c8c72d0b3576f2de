import type { FieldIssue } from "@dmvpn/inventory";
import {
  BGP_FROM_HUBS_PREFIX_LIST,
  BGP_SPOKE_PEER_GROUP,
  FILE_NAMES,
  NHRP_NFLOG_GROUP,
  TUNNEL_INTERFACE,
} from "../naming";
import { type SitePlan, STATIC_TUNNEL_ROUTE_DISTANCE, type StaticRoute } from "../plan";
import { RenderError, type RenderedFile } from "../types";
import { frrTunnelProtectionLine, renderFrrSwanctl } from "./frr-ipsec";
import { denyPrefixList } from "./prefix-list";

/**
 * Plain Linux: iproute2 GRE, FRR (nhrpd, bgpd, staticd), strongSwan swanctl, iptables. Target `frr` is FRR 8.4,
 * `frr-10` FRR 10.x; what differs is checked by both versions' own `vtysh --dryrun` (frr-vtysh.int.test.ts).
 */
const GRE = TUNNEL_INTERFACE.frr;

const isFrr10 = (plan: SitePlan) => plan.target === "frr-10";

/** What this FRR version cannot express; validation runs the same checks (renderability.ts). */
function frrIssues(plan: SitePlan): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (plan.network.nhrpAuth && !isFrr10(plan)) {
    issues.push({
      path: ["network", "nhrpAuth"],
      message: `${plan.site.name} runs FRR 8.4, which has no \`ip nhrp authentication\` (added in 10.2): clear it, or move ${plan.site.name} to FRR 10 (frr-linux-10)`,
    });
  }
  if (!/^[A-Za-z0-9_.:-]{1,15}$/.test(plan.site.wanInterface)) {
    issues.push({ path: ["site", "wanInterface"], message: `${plan.site.wanInterface} is not a Linux interface name` });
  }
  return issues;
}

export function renderFrr(plan: SitePlan): RenderedFile[] {
  const issues = frrIssues(plan);
  if (issues.length > 0) throw new RenderError(plan.site.name, issues);
  const files: RenderedFile[] = [
    { name: FILE_NAMES.greScript, content: greScript(plan) },
    { name: FILE_NAMES.frrConf, content: frrConf(plan) },
  ];
  if (plan.ike && plan.esp) files.push({ name: FILE_NAMES.swanctl, content: renderFrrSwanctl(plan) });
  files.push({ name: FILE_NAMES.iptables, content: iptablesScript(plan) });
  return files;
}

function greScript(plan: SitePlan): string {
  const { network, site } = plan;
  // No `remote`: a multipoint tunnel. `change` keeps an existing tunnel's neighbours while fixing its key.
  const spec = `mode gre key ${network.greKey} ttl 64 dev ${site.wanInterface}`;
  return [
    "set -eu",
    `if ip link show ${GRE} >/dev/null 2>&1; then`,
    `  ip tunnel change ${GRE} ${spec}`,
    "else",
    `  ip tunnel add ${GRE} ${spec}`,
    "fi",
    `ip addr flush dev ${GRE}`,
    `ip addr add ${plan.tunnelAddress}/32 dev ${GRE}`,
    `ip link set ${GRE} mtu ${network.tunnelMtu} up`,
    "",
  ].join("\n");
}

function frrConf(plan: SitePlan): string {
  const { network } = plan;
  const out: string[] = [
    "frr defaults traditional",
    `hostname ${plan.site.name}`,
    "service integrated-vtysh-config",
    "!",
  ];
  // bgpd hands `neighbor … bfd` sessions to bfdd, which Debian's FRR starts only with bfdd=yes in
  // /etc/frr/daemons (like bgpd and nhrpd, which the host must enable as well). The `bfd` node is bfdd's own, so
  // the config says that it needs bfdd, and vtysh addresses bfdd when it is applied.
  if (plan.bgp?.bfd) out.push("bfd", "exit", "!");
  if (plan.isHub && network.phase === 3) out.push(`nhrp nflog-group ${NHRP_NFLOG_GROUP}`, "!");
  out.push(
    `interface ${GRE}`,
    ` description DMVPN ${network.name}`,
    ` ip nhrp network-id ${network.nhrpNetworkId}`,
    ` ip nhrp holdtime ${network.nhrpHoldtime}`,
  );
  if (network.nhrpAuth && isFrr10(plan)) out.push(` ip nhrp authentication ${network.nhrpAuth}`);
  if (plan.isHub) for (const hub of plan.peerHubs) out.push(` ip nhrp map ${hub.tunnelAddress} ${hub.publicAddress}`);
  else for (const hub of plan.peerHubs) out.push(` ip nhrp nhs dynamic nbma ${hub.publicAddress}`);
  out.push(" ip nhrp registration no-unique");
  if (network.phase === 3) out.push(plan.isHub ? " ip nhrp redirect" : " ip nhrp shortcut");
  const protection = frrTunnelProtectionLine(plan);
  if (protection) out.push(protection);
  out.push(` tunnel source ${plan.site.wanInterface}`, " no link-detect", "exit", "!");

  const bgp = plan.bgp;
  if (bgp && bgp.rejectFromHubs.length > 0)
    out.push(...denyPrefixList(BGP_FROM_HUBS_PREFIX_LIST, bgp.rejectFromHubs), "!");
  if (bgp) {
    out.push(
      `router bgp ${bgp.asn}`,
      ` bgp router-id ${bgp.routerId}`,
      " no bgp ebgp-requires-policy",
      " no bgp default ipv4-unicast",
    );
    if (bgp.timers) out.push(` timers bgp ${bgp.timers.keepalive} ${bgp.timers.holdtime}`);
    if (bgp.spokes) {
      out.push(
        ` neighbor ${BGP_SPOKE_PEER_GROUP} peer-group`,
        ` neighbor ${BGP_SPOKE_PEER_GROUP} remote-as ${bgp.spokes.remoteAs}`,
      );
      // Tunnel addresses are /32, so no peer is directly connected.
      out.push(
        ` neighbor ${BGP_SPOKE_PEER_GROUP} disable-connected-check`,
        ` bgp listen range ${bgp.spokes.listenRange} peer-group ${BGP_SPOKE_PEER_GROUP}`,
      );
      if (bgp.bfd) out.push(` neighbor ${BGP_SPOKE_PEER_GROUP} bfd`);
    }
    for (const n of bgp.neighbors) {
      out.push(
        ` neighbor ${n.address} remote-as ${n.remoteAs}`,
        ` neighbor ${n.address} description ${n.description}`,
        ` neighbor ${n.address} disable-connected-check`,
      );
      if (bgp.bfd) out.push(` neighbor ${n.address} bfd`);
    }
    out.push(" !", " address-family ipv4 unicast");
    for (const p of bgp.networks) out.push(`  network ${p}`);
    for (const p of bgp.aggregates) out.push(`  aggregate-address ${p} summary-only`);
    if (bgp.spokes) {
      out.push(`  neighbor ${BGP_SPOKE_PEER_GROUP} activate`);
      if (bgp.spokes.routeReflectorClient) out.push(`  neighbor ${BGP_SPOKE_PEER_GROUP} route-reflector-client`);
      if (bgp.spokes.keepNextHop) out.push(`  neighbor ${BGP_SPOKE_PEER_GROUP} attribute-unchanged next-hop`);
    }
    for (const n of bgp.neighbors) {
      out.push(`  neighbor ${n.address} activate`);
      if (bgp.rejectFromHubs.length > 0)
        out.push(`  neighbor ${n.address} prefix-list ${BGP_FROM_HUBS_PREFIX_LIST} in`);
    }
    out.push(" exit-address-family", "exit", "!");
  }

  const routes: StaticRoute[] = plan.isHub
    ? []
    : plan.peerHubs.map((h) => ({
        prefix: network.tunnelPrefix,
        via: h.tunnelAddress,
        distance: STATIC_TUNNEL_ROUTE_DISTANCE,
      }));
  routes.push(...plan.staticRoutes);
  for (const r of routes) out.push(`ip route ${r.prefix} ${r.via}${r.distance === undefined ? "" : ` ${r.distance}`}`);
  if (routes.length > 0) out.push("!");
  out.push("end", "");
  return out.join("\n");
}

function iptablesScript(plan: SitePlan): string {
  const lines = [
    "set -eu",
    "# Append a rule only if it is not there yet, so the script can run again.",
    'ensure() { table="$1"; chain="$2"; shift 2; iptables -t "$table" -C "$chain" "$@" 2>/dev/null || iptables -t "$table" -A "$chain" "$@"; }',
  ];
  const mss = `-p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss ${plan.network.tcpMss}`;
  lines.push(
    `ensure mangle FORWARD -o ${GRE} ${mss}`,
    `ensure mangle FORWARD -i ${GRE} ${mss}`,
    `ensure mangle OUTPUT -o ${GRE} ${mss}`,
  );
  if (plan.isHub && plan.network.phase === 3) {
    // nhrpd learns about spoke-to-spoke traffic through this NFLOG group and answers with redirects.
    lines.push(
      `ensure filter FORWARD -i ${GRE} -o ${GRE} -m hashlimit --hashlimit-upto 4/minute --hashlimit-burst 1 --hashlimit-mode srcip,dstip --hashlimit-srcmask 24 --hashlimit-dstmask 24 --hashlimit-name loglimit-0 -j NFLOG --nflog-group ${NHRP_NFLOG_GROUP} --nflog-range 128`,
    );
  }
  lines.push("");
  return lines.join("\n");
}
