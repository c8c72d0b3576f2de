import type { FieldIssue } from "@dmvpn/inventory";
import {
  BGP_FROM_HUBS_PREFIX_LIST,
  BGP_SPOKE_PEER_GROUP,
  DPD_INTERVAL_SECONDS,
  DPD_TIMEOUT_SECONDS,
  ESP_LIFETIME_SECONDS,
  IKE_LIFETIME_SECONDS,
  IPSEC_NAMES,
} from "../naming";
import type { SitePlan, StaticRoute } from "../plan";
import { DH_GROUPS } from "../proposal";
import { denyThenPermitAll } from "./prefix-list";

/** One `set` command: the path (tag values included) and, for leaves that take one, the value. */
export interface VyosSet {
  path: string[];
  value?: string;
}

/**
 * A value as vbash reads it: single-quoted, a quote inside written as '\'' (close, escaped quote, reopen). The
 * plan refuses quotes in free text (config-words.ts) and the agent accepts no quote inside a value; this keeps
 * the line's words intact should one ever get through.
 */
export function vyosQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

export function formatVyosSet(cmd: VyosSet): string {
  const path = cmd.path.join(" ");
  return cmd.value === undefined ? `set ${path}` : `set ${path} ${vyosQuote(cmd.value)}`;
}

/** Limits from the VyOS CLI definitions (1.4 and 1.5) that the inventory allows past. */
export function vyosLimitIssues(plan: SitePlan): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (plan.network.tcpMss < 536)
    issues.push({ path: ["network", "tcpMss"], message: "VyOS accepts ip adjust-mss 536–65535 only" });
  if (!/^(bond|br|dum|en|eth|lan|peth|pppoe|vti|wlan|wwan)[0-9]+(\.\d+)?$/.test(plan.site.wanInterface)) {
    issues.push({
      path: ["site", "wanInterface"],
      message: `${plan.site.wanInterface} is not a VyOS interface name (e.g. eth0, bond0, pppoe0)`,
    });
  }
  return issues;
}

export function vyosTunnelCommon(plan: SitePlan, tun: string): VyosSet[] {
  const base = ["interfaces", "tunnel", tun];
  return [
    { path: [...base, "description"], value: `DMVPN ${plan.network.name}` },
    { path: [...base, "encapsulation"], value: "gre" },
    { path: [...base, "parameters", "ip", "key"], value: String(plan.network.greKey) },
    { path: [...base, "enable-multicast"] },
    { path: [...base, "mtu"], value: String(plan.network.tunnelMtu) },
    { path: [...base, "ip", "adjust-mss"], value: String(plan.network.tcpMss) },
  ];
}

export function vyosIpsec(plan: SitePlan, tun: string): VyosSet[] {
  const { ike, esp } = plan;
  if (!ike || !esp) return [];
  const v = ["vpn", "ipsec"];
  const espGroup = [...v, "esp-group", IPSEC_NAMES.vyosEspGroup];
  const ikeGroup = [...v, "ike-group", IPSEC_NAMES.vyosIkeGroup];
  const profile = [...v, "profile", IPSEC_NAMES.vyosProfile];
  return [
    { path: [...v, "interface"], value: plan.site.wanInterface },
    { path: [...espGroup, "lifetime"], value: String(ESP_LIFETIME_SECONDS) },
    { path: [...espGroup, "mode"], value: "transport" },
    // Explicit either way: VyOS's default ('enable') would demand PFS the strongSwan/IOS peers do not offer.
    { path: [...espGroup, "pfs"], value: esp.dhGroup ? `dh-group${DH_GROUPS[esp.dhGroup]}` : "disable" },
    { path: [...espGroup, "proposal", "1", "encryption"], value: esp.encryption },
    { path: [...espGroup, "proposal", "1", "hash"], value: esp.integrity },
    { path: [...ikeGroup, "dead-peer-detection", "action"], value: "clear" },
    { path: [...ikeGroup, "dead-peer-detection", "interval"], value: String(DPD_INTERVAL_SECONDS) },
    { path: [...ikeGroup, "dead-peer-detection", "timeout"], value: String(DPD_TIMEOUT_SECONDS) },
    { path: [...ikeGroup, "key-exchange"], value: "ikev2" },
    { path: [...ikeGroup, "lifetime"], value: String(IKE_LIFETIME_SECONDS) },
    {
      path: [...ikeGroup, "proposal", "1", "dh-group"],
      value: String(DH_GROUPS[ike.dhGroup as keyof typeof DH_GROUPS]),
    },
    { path: [...ikeGroup, "proposal", "1", "encryption"], value: ike.encryption },
    { path: [...ikeGroup, "proposal", "1", "hash"], value: ike.integrity },
    { path: [...profile, "authentication", "mode"], value: "pre-shared-secret" },
    { path: [...profile, "authentication", "pre-shared-secret"], value: plan.network.ipsecPsk },
    { path: [...profile, "bind", "tunnel"], value: tun },
    { path: [...profile, "esp-group"], value: IPSEC_NAMES.vyosEspGroup },
    { path: [...profile, "ike-group"], value: IPSEC_NAMES.vyosIkeGroup },
  ];
}

/** `hostRoutes`: tunnel addresses are /32 (1.5), so BGP peers are never directly connected. */
export function vyosBgp(plan: SitePlan, hostRoutes: boolean): VyosSet[] {
  const bgp = plan.bgp;
  if (!bgp) return [];
  const b = ["protocols", "bgp"];
  const out: VyosSet[] = [
    { path: [...b, "system-as"], value: String(bgp.asn) },
    { path: [...b, "parameters", "router-id"], value: bgp.routerId },
  ];
  if (bgp.timers)
    out.push(
      { path: [...b, "timers", "holdtime"], value: String(bgp.timers.holdtime) },
      { path: [...b, "timers", "keepalive"], value: String(bgp.timers.keepalive) },
    );
  for (const p of bgp.networks) out.push({ path: [...b, "address-family", "ipv4-unicast", "network", p] });
  for (const p of bgp.aggregates)
    out.push({ path: [...b, "address-family", "ipv4-unicast", "aggregate-address", p, "summary-only"] });
  for (const n of bgp.neighbors) {
    const nb = [...b, "neighbor", n.address];
    out.push({ path: [...nb, "address-family", "ipv4-unicast"] });
    if (bgp.bfd) out.push({ path: [...nb, "bfd"] });
    if (bgp.rejectFromHubs.length > 0)
      out.push({
        path: [...nb, "address-family", "ipv4-unicast", "prefix-list", "import"],
        value: BGP_FROM_HUBS_PREFIX_LIST,
      });
    out.push({ path: [...nb, "description"], value: n.description });
    if (hostRoutes) out.push({ path: [...nb, "disable-connected-check"] });
    out.push({ path: [...nb, "remote-as"], value: String(n.remoteAs) });
  }
  if (bgp.spokes) {
    const pg = [...b, "peer-group", BGP_SPOKE_PEER_GROUP];
    out.push({ path: [...b, "listen", "range", bgp.spokes.listenRange, "peer-group"], value: BGP_SPOKE_PEER_GROUP });
    out.push({ path: [...pg, "address-family", "ipv4-unicast"] });
    if (bgp.spokes.keepNextHop)
      out.push({ path: [...pg, "address-family", "ipv4-unicast", "attribute-unchanged", "next-hop"] });
    if (bgp.spokes.routeReflectorClient)
      out.push({ path: [...pg, "address-family", "ipv4-unicast", "route-reflector-client"] });
    if (bgp.bfd) out.push({ path: [...pg, "bfd"] });
    if (hostRoutes) out.push({ path: [...pg, "disable-connected-check"] });
    out.push({ path: [...pg, "remote-as"], value: bgp.spokes.remoteAs });
  }
  if (bgp.rejectFromHubs.length > 0) {
    for (const r of denyThenPermitAll(bgp.rejectFromHubs)) {
      const rule = ["policy", "prefix-list", BGP_FROM_HUBS_PREFIX_LIST, "rule", String(r.seq)];
      out.push({ path: [...rule, "action"], value: r.action });
      out.push({ path: [...rule, "prefix"], value: r.prefix });
      if (r.le !== undefined) out.push({ path: [...rule, "le"], value: String(r.le) });
    }
  }
  return out;
}

export function vyosStaticRoutes(routes: StaticRoute[]): VyosSet[] {
  return routes.map((r) => {
    const path = ["protocols", "static", "route", r.prefix, "next-hop", r.via];
    return r.distance === undefined ? { path } : { path: [...path, "distance"], value: String(r.distance) };
  });
}
