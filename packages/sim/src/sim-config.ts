import type { ConfigFile } from "@dmvpn/protocol";

/**
 * Thrown when a config cannot be brought up; the agent reports its message to the console verbatim, as it does a
 * real router's error (the agent's own ApplyError is not imported: this package must not depend on the agent).
 */
export class SimApplyError extends Error {}

/**
 * The DMVPN facts the simulator needs, read from whatever the renderer produced (FRR files or VyOS set commands).
 * Regexes are enough: the simulator only looks for hubs, its own tunnel address, BGP neighbours and holdtime.
 */
export interface SimHub {
  nbma: string;
  tunnelAddress: string | null;
}

export interface SimConfig {
  role: "hub" | "spoke";
  tunnelAddress: string;
  hubs: SimHub[];
  bgpNeighbors: { address: string; remoteAs: number | null }[];
  holdtimeSeconds: number;
  lanPrefixes: string[];
}

const IP = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const q = String.raw`'?`;

export function parseSimConfig(files: ConfigFile[]): SimConfig {
  const text = files.map((f) => f.content).join("\n");
  const tunnel =
    text.match(new RegExp(String.raw`ip addr(?:ess)? add (${IP})/\d+ dev`)) ??
    text.match(new RegExp(String.raw`^\s*ip address (${IP})/\d+`, "m")) ??
    text.match(new RegExp(String.raw`interfaces tunnel \S+ address ${q}(${IP})/\d+`));
  if (!tunnel) throw new SimApplyError("% tunnel interface has no address (sim: nothing to bring up)");

  const hubs = new Map<string, SimHub>();
  const addHub = (tunnelIp: string | undefined, nbma: string) => {
    const known = tunnelIp && tunnelIp !== "dynamic" ? tunnelIp : null;
    const old = hubs.get(nbma);
    hubs.set(nbma, { nbma, tunnelAddress: known ?? old?.tunnelAddress ?? null });
  };
  for (const m of text.matchAll(new RegExp(String.raw`ip nhrp nhs (dynamic|${IP}) nbma (${IP})`, "g")))
    addHub(m[1], m[2]!);
  for (const m of text.matchAll(new RegExp(String.raw`nhs tunnel-ip ${q}(dynamic|${IP})${q} nbma ${q}(${IP})`, "g"))) {
    addHub(m[1], m[2]!);
  }
  for (const m of text.matchAll(
    new RegExp(String.raw`nhrp tunnel \S+ map (${IP})/\d+ nbma-address ${q}(${IP})`, "g"),
  )) {
    addHub(m[1], m[2]!);
  }

  const bgpNeighbors = [
    ...text.matchAll(new RegExp(String.raw`neighbor ${q}(${IP})${q} remote-as ${q}(\d+|internal|external)`, "g")),
  ].map((m) => ({ address: m[1]!, remoteAs: /^\d+$/.test(m[2]!) ? Number(m[2]) : null }));
  const uniqueNeighbors = [...new Map(bgpNeighbors.map((n) => [n.address, n])).values()];

  const hubList = [...hubs.values()].map((h, i) => ({
    ...h,
    // With `nhs dynamic` the hub's tunnel address is learnt; assume the BGP neighbours list hubs in the same order.
    tunnelAddress: h.tunnelAddress ?? uniqueNeighbors[i]?.address ?? null,
  }));
  const holdtime = text.match(/(?:ip nhrp holdtime|holdtime|holding-time) '?(\d+)/);
  const lanPrefixes = [
    ...new Set([...text.matchAll(new RegExp(String.raw`network ${q}(${IP}/\d+)`, "g"))].map((m) => m[1]!)),
  ];
  return {
    role: hubList.length === 0 && /redirect|multicast '?dynamic/.test(text) ? "hub" : "spoke",
    tunnelAddress: tunnel[1]!,
    hubs: hubList,
    bgpNeighbors: uniqueNeighbors,
    holdtimeSeconds: holdtime ? Number(holdtime[1]) : 300,
    lanPrefixes,
  };
}
