import type { FieldIssue } from "@dmvpn/inventory";
import {
  BGP_FROM_HUBS_PREFIX_LIST,
  BGP_SPOKE_PEER_GROUP,
  DPD_INTERVAL_SECONDS,
  ESP_LIFETIME_SECONDS,
  FILE_NAMES,
  IKE_LIFETIME_SECONDS,
  IPSEC_NAMES,
  TUNNEL_INTERFACE,
} from "../naming";
import type { SitePlan } from "../plan";
import { DH_GROUPS, type Encryption, type Integrity } from "../proposal";
import { prefixMask } from "../summary";
import { RenderError, type RenderedFile } from "../types";
import { denyPrefixList } from "./prefix-list";

/** Cisco IOS / IOS-XE DMVPN with IKEv2. */
const TUN = TUNNEL_INTERFACE.ios;
const NAME = IPSEC_NAMES.ios;

const IKE_ENCRYPTION: Record<Encryption, string> = {
  aes128: "aes-cbc-128",
  aes192: "aes-cbc-192",
  aes256: "aes-cbc-256",
};
const ESP_ENCRYPTION: Record<Encryption, string> = {
  aes128: "esp-aes 128",
  aes192: "esp-aes 192",
  aes256: "esp-aes 256",
};
const ESP_INTEGRITY: Record<Integrity, string> = {
  sha1: "esp-sha-hmac",
  sha256: "esp-sha256-hmac",
  sha384: "esp-sha384-hmac",
  sha512: "esp-sha512-hmac",
};

function ipMask(prefix: string): string {
  const [addr, len] = prefix.split("/");
  return `${addr} ${prefixMask(Number(len))}`;
}

export function renderIos(plan: SitePlan): RenderedFile[] {
  const { network, site } = plan;
  const issues: FieldIssue[] = [];
  const bgp = plan.bgp;
  const perSpokeHub = bgp?.spokes?.remoteAs === "external";
  // IOS cannot listen for eBGP peers of arbitrary ASNs, so a per-spoke hub lists its spokes.
  if (perSpokeHub && !bgp?.spokeNeighbors)
    issues.push({
      path: ["spokes"],
      message: "an IOS hub in the per-spoke ASN plan names every spoke: pass the network's spokes",
    });
  if (bgp?.bfd)
    issues.push({
      path: ["network", "bfd"],
      message: `${site.name} runs Cisco IOS: BFD over DMVPN needs IOS-XE's "BFD Support on DMVPN", whose sessions the FRR-based routers would not match; turn BFD off for this network`,
    });
  if (issues.length > 0) throw new RenderError(site.name, issues);

  const out: string[] = [];
  const { ike, esp } = plan;
  if (ike && esp) {
    out.push(
      `crypto ikev2 proposal ${NAME}`,
      ` encryption ${IKE_ENCRYPTION[ike.encryption]}`,
      ` integrity ${ike.integrity}`,
      ` group ${DH_GROUPS[ike.dhGroup as keyof typeof DH_GROUPS]}`,
      "!",
      `crypto ikev2 policy ${NAME}`,
      ` proposal ${NAME}`,
      "!",
      `crypto ikev2 keyring ${NAME}`,
      " peer ANY",
      "  address 0.0.0.0 0.0.0.0",
      `  pre-shared-key ${network.ipsecPsk}`,
      "!",
      `crypto ikev2 profile ${NAME}`,
      " match identity remote address 0.0.0.0",
      " authentication remote pre-share",
      " authentication local pre-share",
      ` keyring local ${NAME}`,
      ` lifetime ${IKE_LIFETIME_SECONDS}`,
      ` dpd ${DPD_INTERVAL_SECONDS} 5 on-demand`,
      "!",
      `crypto ipsec transform-set ${NAME} ${ESP_ENCRYPTION[esp.encryption]} ${ESP_INTEGRITY[esp.integrity]}`,
      " mode transport",
      "!",
      `crypto ipsec profile ${NAME}`,
      ` set security-association lifetime seconds ${ESP_LIFETIME_SECONDS}`,
      ` set transform-set ${NAME}`,
      ` set ikev2-profile ${NAME}`,
    );
    if (esp.dhGroup) out.push(` set pfs group${DH_GROUPS[esp.dhGroup]}`);
    out.push("!");
  }

  out.push(
    `interface ${TUN}`,
    ` description DMVPN ${network.name}`,
    ` ip address ${plan.tunnelAddress} ${prefixMask(plan.tunnelPrefixLength)}`,
    " no ip redirects",
    ` ip mtu ${network.tunnelMtu}`,
    ` ip tcp adjust-mss ${network.tcpMss}`,
  );
  if (network.nhrpAuth) out.push(` ip nhrp authentication ${network.nhrpAuth}`);
  out.push(` ip nhrp network-id ${network.nhrpNetworkId}`, ` ip nhrp holdtime ${network.nhrpHoldtime}`);
  if (plan.isHub) {
    out.push(" ip nhrp map multicast dynamic");
    for (const hub of plan.peerHubs)
      out.push(` ip nhrp map ${hub.tunnelAddress} ${hub.publicAddress}`, ` ip nhrp map multicast ${hub.publicAddress}`);
  } else {
    for (const hub of plan.peerHubs) out.push(` ip nhrp nhs ${hub.tunnelAddress} nbma ${hub.publicAddress} multicast`);
    // A spoke whose WAN address changes must be able to re-register before the old entry expires.
    out.push(" ip nhrp registration no-unique");
  }
  if (network.phase === 3) out.push(plan.isHub ? " ip nhrp redirect" : " ip nhrp shortcut");
  out.push(` tunnel source ${site.wanInterface}`, " tunnel mode gre multipoint", ` tunnel key ${network.greKey}`);
  if (ike) out.push(` tunnel protection ipsec profile ${NAME}`);
  out.push("!");

  if (bgp && bgp.rejectFromHubs.length > 0)
    out.push(...denyPrefixList(BGP_FROM_HUBS_PREFIX_LIST, bgp.rejectFromHubs), "!");
  if (bgp) {
    out.push(
      `router bgp ${bgp.asn}`,
      ` bgp router-id ${bgp.routerId}`,
      " bgp log-neighbor-changes",
      " no bgp default ipv4-unicast",
    );
    if (bgp.timers) out.push(` timers bgp ${bgp.timers.keepalive} ${bgp.timers.holdtime}`);
    const spokeNeighbors = perSpokeHub ? (bgp.spokeNeighbors?.() ?? []) : [];
    if (bgp.spokes && !perSpokeHub) {
      out.push(
        ` bgp listen range ${bgp.spokes.listenRange} peer-group ${BGP_SPOKE_PEER_GROUP}`,
        ` neighbor ${BGP_SPOKE_PEER_GROUP} peer-group`,
        ` neighbor ${BGP_SPOKE_PEER_GROUP} remote-as ${bgp.asn}`,
      );
    }
    for (const n of [...bgp.neighbors, ...spokeNeighbors])
      out.push(` neighbor ${n.address} remote-as ${n.remoteAs}`, ` neighbor ${n.address} description ${n.description}`);
    if (bgp.spokes?.keepNextHop) {
      // IOS keeps an eBGP next hop only for multihop sessions.
      for (const n of spokeNeighbors) out.push(` neighbor ${n.address} ebgp-multihop 2`);
    }
    out.push(" !", " address-family ipv4");
    for (const p of bgp.networks) out.push(`  network ${ipMask(p)}`);
    for (const p of bgp.aggregates) out.push(`  aggregate-address ${ipMask(p)} summary-only`);
    if (bgp.spokes && !perSpokeHub) {
      out.push(`  neighbor ${BGP_SPOKE_PEER_GROUP} activate`);
      if (bgp.spokes.routeReflectorClient) out.push(`  neighbor ${BGP_SPOKE_PEER_GROUP} route-reflector-client`);
    }
    for (const n of bgp.neighbors) {
      out.push(`  neighbor ${n.address} activate`);
      if (bgp.rejectFromHubs.length > 0)
        out.push(`  neighbor ${n.address} prefix-list ${BGP_FROM_HUBS_PREFIX_LIST} in`);
    }
    for (const n of spokeNeighbors) {
      out.push(`  neighbor ${n.address} activate`);
      if (bgp.spokes?.keepNextHop) out.push(`  neighbor ${n.address} next-hop-unchanged`);
    }
    out.push(" exit-address-family", "!");
  }
  for (const r of plan.staticRoutes) out.push(`ip route ${ipMask(r.prefix)} ${r.via}`);
  if (plan.staticRoutes.length > 0) out.push("!");
  out.push("end", "");
  return [{ name: FILE_NAMES.ios, content: out.join("\n") }];
}
