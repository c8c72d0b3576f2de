import type { ShowCommandId, SiteStatus } from "@dmvpn/protocol";
import type { CommandRunner } from "../drivers/exec";
import { parseFrrBgpSummary } from "./frr-bgp";
import { parseFrrDmvpn } from "./frr-dmvpn";
import { parseFrrNhrpCache, parseFrrNhrpNhs, parseFrrNhrpShortcuts } from "./frr-nhrp";
import { parseIpLink } from "./ip-link";
import { parseOpennhrpShow } from "./opennhrp";
import { parseSwanctlSas } from "./swanctl";
import { parseVtyshJson } from "./vtysh-output";

export interface CollectOptions {
  run: CommandRunner;
  /** argv prefix for vtysh, e.g. ["vtysh", "-N", "hub1"] */
  vtysh: string[];
  /** argv prefix for commands that must run in the router's namespace (ip, swanctl, opennhrpctl) */
  wrap: (argv: string[]) => string[];
  tunnelInterface: string;
  /** FRR nhrpd (FRR, VyOS 1.5) or opennhrp (VyOS 1.4) */
  nhrp: "frr" | "opennhrp";
  /**
   * Whether IPsec is configured; when it says no, swanctl is not asked (one process less per collection, which
   * counts on a small router CPU). Absent: always asked.
   */
  ipsecConfigured?: () => Promise<boolean>;
}

async function vtyshJson(o: CollectOptions, command: string): Promise<unknown | null> {
  const r = await o.run([...o.vtysh, "-c", command]);
  return parseVtyshJson(r.stdout, r.exitCode);
}

/** Optional parts (no strongSwan, no tunnel yet) yield empty lists instead of failing the whole collection. */
async function optional<T>(fn: () => Promise<T[]>): Promise<T[]> {
  try {
    return await fn();
  } catch {
    return [];
  }
}

export async function collectRouterStatus(o: CollectOptions, now = new Date()): Promise<SiteStatus> {
  const nhrp = async () => {
    if (o.nhrp === "opennhrp") {
      const r = await o.run(o.wrap(["opennhrpctl", "show"]));
      const s = parseOpennhrpShow(r.stdout);
      return { nhrpCache: s.cache, nhs: s.nhs, shortcuts: s.shortcuts, dmvpnPeers: [] };
    }
    const [cache, nhs, shortcuts, dmvpn] = await Promise.all([
      vtyshJson(o, "show ip nhrp cache json"),
      vtyshJson(o, "show ip nhrp nhs json"),
      vtyshJson(o, "show ip nhrp shortcut json"),
      vtyshJson(o, "show dmvpn json"),
    ]);
    const nhrpCache = parseFrrNhrpCache(cache);
    return {
      nhrpCache,
      nhs: parseFrrNhrpNhs(nhs, nhrpCache),
      shortcuts: parseFrrNhrpShortcuts(shortcuts),
      dmvpnPeers: parseFrrDmvpn(dmvpn),
    };
  };
  const [nhrpPart, bgpNeighbors, ipsecSas, tunnels] = await Promise.all([
    nhrp(),
    vtyshJson(o, "show bgp ipv4 unicast summary json").then(parseFrrBgpSummary),
    optional(async () => {
      if (o.ipsecConfigured && !(await o.ipsecConfigured())) return [];
      return parseSwanctlSas((await o.run(o.wrap(["swanctl", "--list-sas", "--pretty"]))).stdout);
    }),
    optional(async () => {
      const r = await o.run(o.wrap(["ip", "-j", "-s", "link", "show", "dev", o.tunnelInterface]));
      return r.exitCode === 0 ? parseIpLink(JSON.parse(r.stdout)) : [];
    }),
  ]);
  return { collectedAt: now.toISOString(), tunnels, ...nhrpPart, ipsecSas, bgpNeighbors };
}

/** The whitelisted show commands, as argv; never built from console input. */
export function showCommandArgv(o: CollectOptions, id: ShowCommandId): string[] {
  const v = (cmd: string) => [...o.vtysh, "-c", cmd];
  const opennhrp = o.nhrp === "opennhrp";
  switch (id) {
    case "nhrp-cache":
      return opennhrp ? o.wrap(["opennhrpctl", "show"]) : v("show ip nhrp cache");
    case "nhrp-nhs":
      return opennhrp ? o.wrap(["opennhrpctl", "show"]) : v("show ip nhrp nhs");
    case "nhrp-shortcut":
      return opennhrp ? o.wrap(["opennhrpctl", "show"]) : v("show ip nhrp shortcut");
    case "dmvpn":
      return opennhrp ? o.wrap(["opennhrpctl", "show"]) : v("show dmvpn");
    case "bgp-summary":
      return v("show bgp ipv4 unicast summary");
    case "ipsec-sas":
      return o.wrap(["swanctl", "--list-sas"]);
    case "tunnel-interface":
      return o.wrap(["ip", "-s", "link", "show", "dev", o.tunnelInterface]);
    case "nhrp-routes":
      return v("show ip route nhrp");
    case "running-config":
      return v("show running-config");
  }
}
