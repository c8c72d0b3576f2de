import type { ShowCommandId, SiteStatus } from "@dmvpn/protocol";
import type { CommandRunner } from "../drivers/exec";
import { parseFrrBgpSummary } from "./frr-bgp";
import { parseFrrDmvpn } from "./frr-dmvpn";
import { parseFrrNhrpCache, parseFrrNhrpNhs, parseFrrNhrpShortcuts } from "./frr-nhrp";
import { parseIpLink } from "./ip-link";
import { parseOpennhrpShow } from "./opennhrp";
import { parseSwanctlSas } from "./swanctl";
import { CollectorError, parseVtyshJson, splitVtyshBatch, type VtyshCommandOutput } from "./vtysh-output";

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
  /**
   * Extra swanctl options, e.g. `--uri …` for a charon of its own. swanctl takes its command first and options
   * after it (`swanctl --uri X --list-sas` is "invalid operation"), so these go last.
   */
  swanctlArgs?: string[];
  /** argv of swanctl itself; default ["swanctl"] (e.g. ["chroot", ROOT, "swanctl"] for a strongSwan under a root) */
  swanctl?: string[];
}

export const swanctlArgv = (o: Pick<CollectOptions, "wrap" | "swanctlArgs" | "swanctl">, command: string[]) =>
  o.wrap([...(o.swanctl ?? ["swanctl"]), ...command, ...(o.swanctlArgs ?? [])]);

/**
 * All the show commands of one collection in ONE vtysh process: under load (a small router CPU, or the lab's
 * emulated VM) every vtysh start costs, and five of them per collection starved the applies. vtysh stops at the
 * first command that fails, so the ones it did not reach run again in a further call; a router where nothing fails
 * pays one process per collection.
 */
export async function runVtyshBatch(o: CollectOptions, commands: readonly string[]): Promise<VtyshCommandOutput[]> {
  const results: VtyshCommandOutput[] = [];
  let left = [...commands];
  while (left.length) {
    const r = await o.run([...o.vtysh, "-E", ...left.flatMap((c) => ["-c", c])]);
    const split = splitVtyshBatch(r.stdout, left, r.exitCode);
    const ran = split.filter((s) => s.ran);
    // no echo at all: vtysh itself failed (no daemon to talk to), and says why on stderr; every command left
    // gets that, so the collection's error names it
    if (!ran.length) {
      const output = `${r.stdout}${r.stderr}`;
      return [...results, ...left.map((command) => ({ command, ran: false, stdout: output, exitCode: r.exitCode }))];
    }
    results.push(...ran);
    left = left.slice(ran.length);
  }
  return results;
}

function jsonOf(outputs: VtyshCommandOutput[], command: string): unknown | null {
  const out = outputs.find((o) => o.command === command);
  if (!out) throw new Error(`internal: ${command} was not collected`);
  try {
    return parseVtyshJson(out.stdout, out.exitCode);
  } catch (e) {
    // several commands share one vtysh now: say which one failed (a stopped nhrpd prints nothing at all)
    throw new CollectorError(`${command}: ${(e as Error).message}`);
  }
}

const NHRP_SHOWS = {
  cache: "show ip nhrp cache json",
  nhs: "show ip nhrp nhs json",
  shortcuts: "show ip nhrp shortcut json",
  dmvpn: "show dmvpn json",
} as const;
const BGP_SUMMARY = "show bgp ipv4 unicast summary json";

/** Optional parts (no strongSwan, no tunnel yet) yield empty lists instead of failing the whole collection. */
async function optional<T>(fn: () => Promise<T[]>): Promise<T[]> {
  try {
    return await fn();
  } catch {
    return [];
  }
}

/**
 * One collection: the vtysh shows in one process, then the tunnel device, then strongSwan's SAs, one after
 * another (nothing here is urgent, and a small router has little CPU to spare).
 */
export async function collectRouterStatus(o: CollectOptions, now = new Date()): Promise<SiteStatus> {
  const frrNhrp = o.nhrp === "frr";
  const shows = await runVtyshBatch(o, frrNhrp ? [...Object.values(NHRP_SHOWS), BGP_SUMMARY] : [BGP_SUMMARY]);
  let nhrpPart: Pick<SiteStatus, "nhrpCache" | "nhs" | "shortcuts" | "dmvpnPeers">;
  if (frrNhrp) {
    const nhrpCache = parseFrrNhrpCache(jsonOf(shows, NHRP_SHOWS.cache));
    nhrpPart = {
      nhrpCache,
      nhs: parseFrrNhrpNhs(jsonOf(shows, NHRP_SHOWS.nhs), nhrpCache),
      shortcuts: parseFrrNhrpShortcuts(jsonOf(shows, NHRP_SHOWS.shortcuts)),
      dmvpnPeers: parseFrrDmvpn(jsonOf(shows, NHRP_SHOWS.dmvpn)),
    };
  } else {
    const s = parseOpennhrpShow((await o.run(o.wrap(["opennhrpctl", "show"]))).stdout);
    nhrpPart = { nhrpCache: s.cache, nhs: s.nhs, shortcuts: s.shortcuts, dmvpnPeers: [] };
  }
  const bgpNeighbors = parseFrrBgpSummary(jsonOf(shows, BGP_SUMMARY));
  const tunnels = await optional(async () => {
    const r = await o.run(o.wrap(["ip", "-j", "-s", "link", "show", "dev", o.tunnelInterface]));
    return r.exitCode === 0 ? parseIpLink(JSON.parse(r.stdout)) : [];
  });
  const ipsecSas = await optional(async () => {
    if (o.ipsecConfigured && !(await o.ipsecConfigured())) return [];
    return parseSwanctlSas((await o.run(swanctlArgv(o, ["--list-sas", "--pretty"]))).stdout);
  });
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
      return swanctlArgv(o, ["--list-sas"]);
    case "tunnel-interface":
      return o.wrap(["ip", "-s", "link", "show", "dev", o.tunnelInterface]);
    case "nhrp-routes":
      return v("show ip route nhrp");
    case "running-config":
      return v("show running-config");
  }
}
