import { FILE_NAMES, TUNNEL_INTERFACE } from "../naming";
import { type SitePlan, STATIC_TUNNEL_ROUTE_DISTANCE } from "../plan";
import { RenderError, type RenderedFile } from "../types";
import {
  formatVyosSet,
  type VyosSet,
  vyosBgp,
  vyosIpsec,
  vyosLimitIssues,
  vyosStaticRoutes,
  vyosTunnelCommon,
} from "./vyos-common";

/**
 * VyOS 1.5 (circinus): FRR nhrpd. Commit-time rules met here: /32 tunnel address, gre encapsulation,
 * network-id, no `remote`, one NBMA per static NHS (spokes use `dynamic`), distinct NBMA per static map.
 */
export function vyos15Commands(plan: SitePlan): VyosSet[] {
  const issues = vyosLimitIssues(plan);
  if (plan.network.nhrpHoldtime > 65000)
    issues.push({ path: ["network", "nhrpHoldtime"], message: "VyOS 1.5 accepts an NHRP holdtime of 1–65000 seconds" });
  if (issues.length > 0) throw new RenderError(plan.site.name, issues);
  const tun = TUNNEL_INTERFACE["vyos-1.5"];
  const t = ["interfaces", "tunnel", tun];
  const n = ["protocols", "nhrp", "tunnel", tun];
  const out: VyosSet[] = [
    { path: [...t, "address"], value: `${plan.tunnelAddress}/32` },
    ...vyosTunnelCommon(plan, tun),
    plan.sourceAddress
      ? { path: [...t, "source-address"], value: plan.sourceAddress }
      : { path: [...t, "source-interface"], value: plan.site.wanInterface },
  ];
  if (plan.network.nhrpAuth) out.push({ path: [...n, "authentication"], value: plan.network.nhrpAuth });
  out.push({ path: [...n, "holdtime"], value: String(plan.network.nhrpHoldtime) });
  if (plan.isHub) {
    for (const hub of plan.peerHubs)
      out.push({ path: [...n, "map", "tunnel-ip", hub.tunnelAddress, "nbma"], value: hub.publicAddress });
    out.push({ path: [...n, "multicast"], value: "dynamic" });
  } else {
    for (const hub of plan.peerHubs) out.push({ path: [...n, "multicast"], value: hub.publicAddress });
  }
  out.push({ path: [...n, "network-id"], value: String(plan.network.nhrpNetworkId) });
  if (!plan.isHub)
    for (const hub of plan.peerHubs)
      out.push({ path: [...n, "nhs", "tunnel-ip", "dynamic", "nbma"], value: hub.publicAddress });
  if (plan.network.phase === 3) out.push({ path: [...n, plan.isHub ? "redirect" : "shortcut"] });
  out.push({ path: [...n, "registration-no-unique"] });
  out.push(...vyosIpsec(plan, tun), ...vyosBgp(plan, true));
  // With /32 addresses nothing is connected: reach the tunnel prefix (BGP peers, phase-2 next hops) via the hubs.
  const tunnelRoutes = plan.isHub
    ? []
    : plan.peerHubs.map((h) => ({
        prefix: plan.network.tunnelPrefix,
        via: h.tunnelAddress,
        distance: STATIC_TUNNEL_ROUTE_DISTANCE,
      }));
  out.push(...vyosStaticRoutes([...tunnelRoutes, ...plan.staticRoutes]));
  return out;
}

export function renderVyos15(plan: SitePlan): RenderedFile[] {
  return [{ name: FILE_NAMES.vyos, content: `${vyos15Commands(plan).map(formatVyosSet).join("\n")}\n` }];
}
