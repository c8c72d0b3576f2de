import { SiteStatus } from "@dmvpn/protocol";
import type { CommandRunner } from "../drivers/exec";
import { type CollectOptions, collectRouterStatus } from "./collect";
import { parseOpennhrpRegisterMaps } from "./opennhrp";

export type VyosVersion = "1.4" | "1.5";

/** Where VyOS 1.4's conf_mode/protocols_nhrp.py writes opennhrp's config. */
export const VYOS_OPENNHRP_CONF = "/run/opennhrp/opennhrp.conf";

/**
 * What VyOS itself runs for its op-mode status: 1.4 `sudo opennhrpctl show` (opennhrp), 1.5 FRR nhrpd through vtysh;
 * both read IPsec from strongSwan (swanctl) and BGP from FRR (vtysh).
 */
export function vyosCollectOptions(version: VyosVersion, run: CommandRunner, tunnelInterface: string): CollectOptions {
  return {
    run,
    vtysh: ["vtysh"],
    // opennhrp's admin socket is root's; VyOS's op mode goes through sudo too
    wrap: (argv) => (argv[0] === "opennhrpctl" ? ["sudo", ...argv] : argv),
    tunnelInterface,
    nhrp: version === "1.4" ? "opennhrp" : "frr",
  };
}

/** The hubs (`map ... register`) in VyOS 1.4's opennhrp.conf; null when it cannot be read. */
async function opennhrpRegisterMaps(run: CommandRunner): Promise<Set<string> | null> {
  try {
    const r = await run(["sudo", "cat", VYOS_OPENNHRP_CONF]);
    return r.exitCode === 0 ? parseOpennhrpRegisterMaps(r.stdout) : null;
  } catch {
    return null;
  }
}

/**
 * One status collection on VyOS. 1.5 is the FRR collection unchanged. On 1.4, `opennhrpctl show` cannot tell a hub
 * (`map ... register`) from another static map (a hub's map to the other hub), so the hub list is narrowed to the
 * register maps of the running opennhrp.conf. The result is validated against the protocol schema before it leaves.
 */
export async function collectVyosStatus(
  version: VyosVersion,
  options: CollectOptions,
  now = new Date(),
): Promise<SiteStatus> {
  if (version === "1.5") return SiteStatus.parse(await collectRouterStatus(options, now));
  const [status, registerNbmas] = await Promise.all([
    collectRouterStatus(options, now),
    opennhrpRegisterMaps(options.run),
  ]);
  const staticMaps = new Set(status.nhrpCache.filter((c) => c.type === "static").map((c) => c.nbma));
  const nhs = registerNbmas
    ? status.nhs.filter((n) => !staticMaps.has(n.nbma) || registerNbmas.has(n.nbma))
    : status.nhs;
  return SiteStatus.parse({ ...status, nhs });
}
