import { FILE_NAMES, TUNNEL_INTERFACE } from "../naming";
import type { SitePlan } from "../plan";
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

/** VyOS 1.4 (sagitta): opennhrp. The tunnel carries the whole tunnel prefix, so peers are connected. */
export function vyos14Commands(plan: SitePlan): VyosSet[] {
  const issues = vyosLimitIssues(plan);
  if (issues.length > 0) throw new RenderError(plan.site.name, issues);
  const tun = TUNNEL_INTERFACE["vyos-1.4"];
  const n = ["protocols", "nhrp", "tunnel", tun];
  const len = plan.tunnelPrefixLength;
  const out: VyosSet[] = [
    { path: ["interfaces", "tunnel", tun, "address"], value: `${plan.tunnelAddress}/${len}` },
    ...vyosTunnelCommon(plan, tun),
    // opennhrp needs a wildcard source when the WAN address is dynamic or NATed; the key tells tunnels apart.
    { path: ["interfaces", "tunnel", tun, "source-address"], value: plan.sourceAddress ?? "0.0.0.0" },
  ];
  if (plan.network.nhrpAuth) out.push({ path: [...n, "cisco-authentication"], value: plan.network.nhrpAuth });
  out.push({ path: [...n, "holding-time"], value: String(plan.network.nhrpHoldtime) });
  for (const hub of plan.peerHubs) {
    const map = [...n, "map", `${hub.tunnelAddress}/${len}`];
    out.push({ path: [...map, "nbma-address"], value: hub.publicAddress });
    // A spoke registers with every hub; hubs only map each other statically.
    if (!plan.isHub) out.push({ path: [...map, "register"] });
  }
  out.push({ path: [...n, "multicast"], value: plan.isHub ? "dynamic" : "nhs" });
  if (plan.network.phase === 3) out.push({ path: [...n, plan.isHub ? "redirect" : "shortcut"] });
  out.push(...vyosIpsec(plan, tun), ...vyosBgp(plan, false), ...vyosStaticRoutes(plan.staticRoutes));
  return out;
}

export function renderVyos14(plan: SitePlan): RenderedFile[] {
  return [{ name: FILE_NAMES.vyos, content: `${vyos14Commands(plan).map(formatVyosSet).join("\n")}\n` }];
}
