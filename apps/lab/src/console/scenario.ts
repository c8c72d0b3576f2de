import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SiteStatus } from "@dmvpn/protocol";
import { z } from "zod";
import { charonViciUri } from "../vm/charon";
import { sleep, type WaitOptions, waitFor } from "../vm/exec";
import { deployAndWait, describeDeployment } from "./deploy";
import { type HubDeathContext, measureHubDeath } from "./hub-death";
import type { LabPing, LabSite, LabTopologyGraph } from "./lab-api";
import {
  FRR_VERSION_OF_PLATFORM,
  LAB_HOLDTIME_S,
  LAB_NAT_PUBLIC,
  LATE_SPOKE,
  labHubNames,
  labSiteNames,
  labSpokeNames,
  labSpokeSummaries,
  lanHost,
  lateSpokeInput,
} from "./lab-inventory";
import type { ConsoleLab } from "./lab-run";
import { LAB_FILES } from "./lab-spec";
import { CHARON_VERSION_OF_PLATFORM, FAST_BGP_TIMERS, nhrpAuthRefusal } from "./mixed-fleet";
import { charonVersionIn, frrVersionIn, isVersion } from "./versions";
import { between, countWanPackets, parseWanCapture } from "./wan-capture";
import { parseXfrmState, type XfrmState, xfrmTotals } from "./xfrm-state";

/**
 * The checks of issue 7, made through the console's API only (REST with an API token): the console deploys the
 * imported inventory through the agents, and real FRR in the VM must then do what the configs promise.
 */

export const SCENARIO_PHASES = [
  "deploy",
  "registered",
  "bgp",
  "versions",
  "nhrpAuthRefused",
  "shortcut",
  "encrypted",
  "xfrmCounters",
  "ipsecReported",
  "shortcutExpired",
  "rollback",
  "recovered",
  "spokeAdded",
  "hubDeathDefaultTimers",
  "fastTimers",
  "hubDeathFastTimers",
  "failover",
] as const;
export type ScenarioPhase = (typeof SCENARIO_PHASES)[number];

export interface PhaseResult {
  ok: boolean;
  /** from the phase's trigger to its outcome */
  ms: number | null;
  detail: string;
}

export interface ScenarioResult {
  holdtimeSeconds: number;
  phases: Record<ScenarioPhase, PhaseResult>;
}

/** The part of FRR's `show ip bgp json` the hub check reads. */
const bgpTableSchema = z.object({
  routes: z.record(
    z.string(),
    z.array(z.object({ valid: z.boolean().optional(), weight: z.number(), peerId: z.string() })),
  ),
});
/** The part of FRR's `show bgp neighbors json` read here (same keys in 8.4 and 10.3). */
const bgpNeighborsSchema = z.record(
  z.string(),
  z.object({ bgpState: z.string(), bgpTimerHoldTimeMsecs: z.number().optional() }).loose(),
);
/** FRR's weight for routes the router originates itself (network, aggregate-address). */
const LOCAL_WEIGHT = 32768;

/** Every wait here asks the console (or a router through it): an error means "not yet", and the last one is named. */
const until = <T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, options: WaitOptions = {}) =>
  waitFor(what, timeoutMs, check, { retryErrors: true, ...options });

export async function runConsoleScenario(
  lab: ConsoleLab,
  log: (line: string) => void = () => {},
): Promise<ScenarioResult> {
  const { api } = lab;
  const site = (name: string): LabSite => {
    const s = lab.sites.get(name);
    if (!s) throw new Error(`no site ${name}`);
    return s;
  };
  const hubs = labHubNames.map(site);
  const spokes = labSpokeNames.map(site);
  const [spoke1, spoke2] = [site("spoke1"), site("spoke2")];
  const hub1 = site("hub1");
  const result: ScenarioResult = {
    holdtimeSeconds: LAB_HOLDTIME_S,
    phases: Object.fromEntries(
      SCENARIO_PHASES.map((p) => [p, { ok: false, ms: null, detail: "not reached" }]),
    ) as Record<ScenarioPhase, PhaseResult>,
  };
  const save = () => writeFile(join(lab.runDir, "result.json"), `${JSON.stringify(result, null, 2)}\n`);

  /** Runs one phase; `run` returns [detail, ms] where ms is the figure the phase reports (default: its duration). */
  async function phase(name: ScenarioPhase, run: () => Promise<[string, number?]>): Promise<boolean> {
    const t0 = Date.now();
    log(`${name}: start`);
    try {
      const [detail, ms] = await run();
      result.phases[name] = { ok: true, ms: ms ?? Date.now() - t0, detail };
      log(`${name}: ok (${detail})`);
    } catch (e) {
      result.phases[name] = { ok: false, ms: Date.now() - t0, detail: (e as Error).message };
      log(`${name}: FAILED ${(e as Error).message}`);
    }
    await save();
    return result.phases[name].ok;
  }

  const statusOf = async (s: LabSite): Promise<SiteStatus> => {
    const view = await api.status(s.id);
    if (!view.status) throw new Error(`${s.name} has reported no status`);
    return view.status;
  };
  /** hub names a spoke reports as registered NHSs */
  const registeredHubs = async (spoke: LabSite) => {
    const status = await statusOf(spoke);
    return hubs.filter((h) => status.nhs.some((n) => n.registered && n.nbma === h.publicAddress)).map((h) => h.name);
  };
  const allRegistered = async (among: LabSite[], expected: string[]) => {
    for (const s of among) if ((await registeredHubs(s)).join() !== expected.join()) return undefined;
    return true;
  };
  const shortcutEdge = (g: LabTopologyGraph, a: LabSite, b: LabSite) =>
    g.edges.find(
      (e) =>
        e.kind === "shortcut" && ((e.source === a.id && e.target === b.id) || (e.source === b.id && e.target === a.id)),
    );
  const lanPing = (from: LabSite, to: LabSite, count: number) =>
    api.ping(from.id, lanHost(to.name), lanHost(from.name), count);
  /** Pings spoke1's LAN → spoke2's until replies come back; the error quotes the last ping. */
  const lansReach = async (what: string, timeoutMs: number) => {
    let lastPing = "";
    return until(what, timeoutMs, async () => {
      const p = await lanPing(spoke1, spoke2, 3);
      lastPing = p.output;
      return p.received > 0 ? p : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; last ping: ${lastPing}`);
    });
  };
  /** the state a site reports for its BGP session with `hub` */
  const bgpStateWith = (status: SiteStatus, hub: LabSite) =>
    status.bgpNeighbors.find((b) => b.address === hub.tunnelAddress)?.state;
  /** true once every one of `among` has BGP Established with every hub */
  const bgpEstablished = async (among: LabSite[]) => {
    for (const s of among) {
      const status = await statusOf(s);
      if (hubs.some((h) => bgpStateWith(status, h) !== "Established")) return undefined;
    }
    return true;
  };

  /** each spoke's BGP sessions with the hubs as its bgpd has them: state and the negotiated hold time */
  const negotiatedHolds = async () => {
    const out: { spoke: string; hub: string; state: string; holdMs: number | undefined }[] = [];
    for (const s of spokes) {
      const shown = await lab.request({
        action: "exec",
        router: s.name,
        argv: ["sh", "-c", `${lab.vtysh(s.name)} -c 'show bgp neighbors json' 2>/dev/null`],
      });
      const neighbors = bgpNeighborsSchema.parse(JSON.parse(shown.detail));
      for (const h of hubs) {
        const n = neighbors[h.tunnelAddress];
        out.push({ spoke: s.name, hub: h.name, state: n?.bgpState ?? "absent", holdMs: n?.bgpTimerHoldTimeMsecs });
      }
    }
    return out;
  };

  const originatesSummaries = async (hub: LabSite) => {
    const shown = await lab.request({
      action: "exec",
      router: hub.name,
      argv: ["sh", "-c", `${lab.vtysh(hub.name)} -c 'show ip bgp json' 2>/dev/null`],
    });
    if (!shown.ok) throw new Error(`${hub.name}: show ip bgp json failed: ${shown.detail}`);
    const { routes } = bgpTableSchema.parse(JSON.parse(shown.detail));
    for (const prefix of labSpokeSummaries) {
      const paths = routes[prefix] ?? [];
      if (!paths.some((p) => p.valid && p.weight === LOCAL_WEIGHT))
        throw new Error(
          `${hub.name} holds ${prefix} ${paths.length ? `only from ${paths.map((p) => p.peerId).join(", ")}` : "not at all"}`,
        );
    }
    return true;
  };

  let deployStarted = 0;
  await phase("deploy", async () => {
    deployStarted = Date.now();
    // five routers in waves under software emulation: 11 min at load 17–21 on 2 cores (IPsec adds a swanctl load)
    const { deployment, ms } = await deployAndWait(api, { networkId: lab.networkId }, {}, 20 * 60_000);
    if (deployment.status !== "succeeded") throw new Error(describeDeployment(deployment));
    const notConfirmed = deployment.items.filter((i) => i.status !== "confirmed");
    if (notConfirmed.length) throw new Error(`not confirmed: ${describeDeployment(deployment)}`);
    return [describeDeployment(deployment), ms];
  });

  await phase("registered", async () => {
    await until("every spoke registered with both hubs", 5 * 60_000, () => allRegistered(spokes, labHubNames));
    const ms = Date.now() - deployStarted;
    const graph = await until("the topology to show every registration", 60_000, async () => {
      const g = await api.topology();
      const hubSpoke = g.edges.filter((e) => e.kind === "hub-spoke");
      return hubSpoke.length === hubs.length * spokes.length && hubSpoke.every((e) => e.registered) ? g : undefined;
    });
    return [
      `${spokes.length} spokes × ${hubs.length} hubs registered; ${graph.edges.length} edges in the topology; deploy start → all registered`,
      ms,
    ];
  });

  await phase("bgp", async () => {
    await until("BGP Established from every spoke to both hubs", 3 * 60_000, () => bgpEstablished(spokes));
    // Each hub must originate the spokes' summary itself. FRR 8.4 does not when its fellow hub's identical
    // aggregate reached it first (the renderer now filters it, see BgpPlan.rejectFromHubs); the hub then only
    // passed that one on, and the spokes lost the summary with the other hub. The console has no BGP table view,
    // so this one check reads the hubs' tables through the lab VM.
    for (const h of hubs)
      await until(`${h.name} to originate ${labSpokeSummaries.join(", ")} itself`, 60_000, () =>
        originatesSummaries(h),
      );
    return [
      `${spokes.length * hubs.length} iBGP sessions Established; each hub originates ${labSpokeSummaries.join(", ")}`,
    ];
  });

  await phase("versions", async () => {
    // a mixed-version fleet: each router must run the FRR and the charon its site's platform says
    const out: string[] = [];
    const problems: string[] = [];
    for (const s of [...hubs, ...spokes]) {
      const shown = await lab.request({
        action: "exec",
        router: s.name,
        argv: [
          "sh",
          "-c",
          `${lab.vtysh(s.name)} -c 'show version' 2>/dev/null | head -1; swanctl --version --daemon --uri ${charonViciUri(s.name)} 2>/dev/null`,
        ],
      });
      const [frr, charon] = [frrVersionIn(shown.detail), charonVersionIn(shown.detail)];
      const [wantFrr, wantCharon] = [FRR_VERSION_OF_PLATFORM[s.platform], CHARON_VERSION_OF_PLATFORM[s.platform]];
      if (!wantFrr || !isVersion(frr, wantFrr) || !wantCharon || !isVersion(charon, wantCharon))
        problems.push(`${s.name} (${s.platform}) runs FRR ${frr ?? "?"} and charon ${charon ?? "?"}: ${shown.detail}`);
      out.push(`${s.name} ${s.platform}: FRR ${frr}, strongSwan ${charon}`);
    }
    if (problems.length) throw new Error(problems.join("; "));
    return [out.join("; ")];
  });

  await phase("nhrpAuthRefused", async () => {
    // FRR 8.4 has no NHRP authentication: the console must refuse it for this network, naming those sites
    const refused = await nhrpAuthRefusal(api, lab.networkId, [...hubs, ...spokes]);
    return [refused];
  });

  // Each phase below builds on what an earlier one made happen; when that did not happen, the later check has
  // nothing to observe and must fail, not pass on the absence of what it waits to disappear.
  let lastPacketAt = 0;
  let shortcutSeen = false;
  // IPsec evidence, gathered around the shortcut: the kernel's SA counters on spoke1 and the NAT spoke before any
  // LAN traffic, and a capture of the simulated internet from before the first packet (so the spoke1–spoke2 IKE
  // exchange is in it) until the encrypted phase has sent its own pings.
  const CAPTURE = "wan-encrypted";
  const xfrmRouters = ["spoke1", "spoke3"];
  const xfrmBefore = new Map<string, XfrmState[]>();
  let captureError = "";
  const readXfrm = async (router: string, moment: string) => {
    const shown = await lab.request({ action: "exec", router, argv: ["ip", "-s", "xfrm", "state"] });
    if (!shown.ok) throw new Error(`${router}: ip -s xfrm state failed: ${shown.detail}`);
    await writeFile(join(lab.runDir, LAB_FILES.captures, `xfrm-${router}-${moment}.txt`), shown.detail);
    return parseXfrmState(shown.detail);
  };
  try {
    for (const r of xfrmRouters) xfrmBefore.set(r, await readXfrm(r, "before"));
    const started = await lab.request({ action: "capture-start", name: CAPTURE });
    if (!started.ok) throw new Error(started.detail);
    log(`capture: ${started.detail}`);
  } catch (e) {
    captureError = (e as Error).message;
    log(`capture/xfrm before the shortcut FAILED: ${captureError}`);
  }

  await phase("shortcut", async () => {
    const t0 = Date.now();
    // The agent's ping diagnostic, from spoke1's LAN to spoke2's: the first packets go through a hub, whose
    // redirect makes spoke1 resolve spoke2 and build the shortcut. Traffic keeps flowing (one round of pings
    // after another) until the console shows the shortcut, as a real flow would: the hub sends redirects at
    // most 4 a minute per pair, so one lost under load must not end the test.
    let stopPinging = false;
    let pingError = "";
    const pings: LabPing[] = [];
    const pinging = (async () => {
      while (!stopPinging) {
        const round = await lanPing(spoke1, spoke2, 8).catch((e: Error) => e);
        if (round instanceof Error) {
          pingError = round.message;
          await sleep(1000);
        } else pings.push(round);
      }
    })();
    const seenAfter = await until(
      "the console's topology to show the spoke1–spoke2 shortcut",
      90_000,
      async () => (shortcutEdge(await api.topology(), spoke1, spoke2) ? Date.now() - t0 : undefined),
      { everyMs: 500 },
    ).finally(() => {
      stopPinging = true;
    });
    shortcutSeen = true;
    await pinging;
    lastPacketAt = Date.now();
    const ping = {
      sent: pings.reduce((n, p) => n + p.sent, 0),
      received: pings.reduce((n, p) => n + p.received, 0),
      output: pings.at(-1)?.output ?? "",
    };
    if (ping.received === 0) throw new Error(`no reply from ${lanHost("spoke2")}: ${ping.output || pingError}`);
    const status = await statusOf(spoke1);
    const row = status.nhrpCache.find((c) => c.type === "dynamic" && c.nbma === spoke2.publicAddress);
    return [
      `first packet → shortcut edge in /api/v1/topology; ${pings.length} round(s) of ping, ${ping.received}/${ping.sent}; spoke1 cache: ${row ? `${row.protocolAddress} via NBMA ${row.nbma}` : "no dynamic row"}`,
      seenAfter,
    ];
  });

  await phase("encrypted", async () => {
    if (captureError) throw new Error(`the capture did not start: ${captureError}`);
    // LAN-to-LAN and LAN-to-hub traffic of every kind: spoke1–spoke2 (over the shortcut), the NAT spoke to
    // spoke1's LAN, a spoke to each hub's tunnel address.
    const pings: string[] = [];
    const ping = async (from: LabSite, target: string, count: number) => {
      const p = await api.ping(from.id, target, lanHost(from.name), count).catch((e: Error) => e);
      pings.push(`${from.name}→${target} ${p instanceof Error ? p.message : `${p.received}/${p.sent}`}`);
    };
    await ping(spoke1, lanHost("spoke2"), 6);
    await ping(site("spoke3"), lanHost("spoke1"), 6);
    for (const h of hubs) await ping(spoke2, h.tunnelAddress, 3);
    await ping(site("spoke3"), hub1.tunnelAddress, 3);
    lastPacketAt = Date.now();
    const stopped = await lab.request({ action: "capture-stop", name: CAPTURE });
    if (!stopped.ok) throw new Error(`capture-stop: ${stopped.detail}`);
    const text = await readFile(join(lab.runDir, LAB_FILES.captures, `${CAPTURE}.txt`), "utf8");
    const packets = parseWanCapture(text);
    const all = countWanPackets(packets);
    const shortcutEsp = countWanPackets(packets, between(spoke1.publicAddress ?? "", spoke2.publicAddress ?? ""));
    const natEspInUdp = countWanPackets(packets, (p) => p.src === LAB_NAT_PUBLIC && p.srcPort !== null);
    const figures = `${packets.length} packets: GRE ${all.gre}, ESP ${all.esp} (spoke1↔spoke2 ${shortcutEsp.esp}), ESP-in-UDP ${all["esp-in-udp"]} (from the NAT ${natEspInUdp["esp-in-udp"]}), IKE ${all.ike}, NAT-T keepalives ${all["nat-keepalive"]}, other ${all.other}; tcpdump: ${stopped.detail.replace(/\s+/g, " ")}; pings ${pings.join(", ")}`;
    const problems: string[] = [];
    if (all.gre !== 0) problems.push(`${all.gre} cleartext GRE packets on the internet`);
    if (all.esp === 0) problems.push("no ESP at all");
    if (shortcutEsp.esp === 0) problems.push("no ESP between spoke1 and spoke2 (the shortcut)");
    if (natEspInUdp["esp-in-udp"] === 0) problems.push(`no ESP-in-UDP from the NAT (${LAB_NAT_PUBLIC})`);
    if (all.ike === 0) problems.push("no IKE");
    if (problems.length) throw new Error(`${problems.join("; ")} — ${figures}`);
    return [figures];
  });

  await phase("xfrmCounters", async () => {
    if (captureError) throw new Error(`no reading before the pings: ${captureError}`);
    const lines: string[] = [];
    for (const r of xfrmRouters) {
      const before = xfrmBefore.get(r) ?? [];
      const after = await readXfrm(r, "after");
      const grown = after.filter((a) => {
        const b = before.find((x) => x.spi === a.spi && x.src === a.src && x.dst === a.dst);
        return b && a.bytes > b.bytes && a.packets > b.packets;
      });
      const [tb, ta] = [xfrmTotals(before), xfrmTotals(after)];
      if (grown.length === 0 || ta.bytes <= tb.bytes)
        throw new Error(
          `${r}: no SA's counters grew (${before.length} SAs before, ${after.length} after; bytes ${tb.bytes} → ${ta.bytes})`,
        );
      const encap = after.filter((a) => a.encap === "espinudp").length;
      lines.push(
        `${r}: ${grown.length}/${after.length} SAs grew, bytes ${tb.bytes} → ${ta.bytes}, packets ${tb.packets} → ${ta.packets}${encap ? `, ${encap} ESP-in-UDP` : ""}`,
      );
    }
    if (!(await readXfrm("spoke3", "check")).some((a) => a.encap === "espinudp"))
      throw new Error(`spoke3 (behind NAT) has no UDP-encapsulated SA; ${lines.join("; ")}`);
    return [lines.join("; ")];
  });

  await phase("ipsecReported", async () => {
    // what the agents report from `swanctl --list-sas` reaches the console's status API
    const t0 = Date.now();
    const detail = await until("the console's status to list every spoke's SAs with both hubs", 90_000, async () => {
      const out: string[] = [];
      for (const s of spokes) {
        const status = await statusOf(s);
        const up = status.ipsecSas.filter(
          (sa) => sa.state === "ESTABLISHED" && sa.children.some((c) => c.state === "INSTALLED"),
        );
        for (const h of hubs) if (!up.some((sa) => sa.remoteHost === h.publicAddress)) return undefined;
        out.push(`${s.name} ${up.length} SAs (${up.map((sa) => sa.remoteHost).join(", ")})`);
      }
      const hubStatus = await statusOf(hub1);
      const nat = hubStatus.ipsecSas.find((sa) => sa.remoteHost === LAB_NAT_PUBLIC && sa.state === "ESTABLISHED");
      if (!nat?.natRemote) return undefined;
      const bytes = nat.children.reduce((n, c) => n + c.bytesIn + c.bytesOut, 0);
      out.push(`hub1 sees spoke3 at ${LAB_NAT_PUBLIC} behind NAT (natRemote), ${bytes} bytes in its child SAs`);
      return out.join("; ");
    });
    return [detail, Date.now() - t0];
  });

  await phase("shortcutExpired", async () => {
    if (!shortcutSeen) throw new Error("no spoke1–spoke2 shortcut was ever seen, so none could expire");
    const gone = await until(
      "the shortcut to expire and leave the topology",
      (LAB_HOLDTIME_S * 4 + 60) * 1000,
      async () => (shortcutEdge(await api.topology(), spoke1, spoke2) ? undefined : Date.now() - lastPacketAt),
    );
    // the shortcut's SA may go; spoke1's SAs with its hubs must stay (DPD answered, nothing torn down with it)
    const status = await statusOf(spoke1);
    const hubSas = hubs.filter((h) =>
      status.ipsecSas.some((sa) => sa.state === "ESTABLISHED" && sa.remoteHost === h.publicAddress),
    );
    if (hubSas.length !== hubs.length)
      throw new Error(
        `after the shortcut expired spoke1 has SAs with ${hubSas.map((h) => h.name).join(", ") || "no hub"} only`,
      );
    return [
      `last packet → shortcut gone from the topology (holdtime ${LAB_HOLDTIME_S} s); spoke1 keeps its SAs with both hubs`,
      gone,
    ];
  });

  let rolledBack = false;
  await phase("rollback", async () => {
    // A plausible mistake: the WAN interface set to the LAN one. Each file is valid, the routers accept it, and
    // the spoke loses its hubs: the console must not confirm, and the agent must put the old config back. That
    // proves something only if spoke1 was registered before the change.
    const before = await registeredHubs(spoke1);
    if (before.join() !== labHubNames.join())
      throw new Error(`spoke1 was registered with ${before.join(", ") || "no hub"} before the bad change, not both`);
    await api.updateSite(spoke1.id, { wanInterface: "lan0" });
    const { deployment, ms } = await deployAndWait(api, { siteIds: [spoke1.id] }, { confirmWindowSeconds: 120 });
    const item = deployment.items.find((i) => i.siteId === spoke1.id);
    if (item?.status !== "rolled-back") throw new Error(`expected rolled-back: ${describeDeployment(deployment)}`);
    rolledBack = true;
    return [`spoke1 ${item.status}: ${item.error ?? ""}`, ms];
  });

  await phase("recovered", async () => {
    const t0 = Date.now();
    await api.updateSite(spoke1.id, { wanInterface: "eth0" });
    // (the site is put back first whatever happened, so the failover below starts from the real inventory)
    if (!rolledBack) throw new Error("the bad change was not rolled back, so there is no recovery to check");
    await until("spoke1 registered with both hubs again", 3 * 60_000, () => allRegistered([spoke1], labHubNames));
    // spoke1's BGP sessions went down with its registrations; its routes to the other LANs come back with them
    // (FRR retries a failed connection after up to 120 s), so reachability is checked once they are up again.
    await until("spoke1's BGP sessions with both hubs Established again", 4 * 60_000, () => bgpEstablished([spoke1]));
    const ping = await lansReach("spoke1's LAN to reach spoke2's after the rollback", 60_000);
    // The router runs the confirmed config again, which is what the inventory renders once more: nothing to do.
    const { deployment } = await deployAndWait(api, { siteIds: [spoke1.id] });
    const item = deployment.items.find((i) => i.siteId === spoke1.id);
    if (item?.status !== "unchanged") throw new Error(`expected unchanged: ${describeDeployment(deployment)}`);
    return [
      `registered and BGP Established again, LAN ping ${ping.received}/${ping.sent}, re-deploy: ${item.status}`,
      Date.now() - t0,
    ];
  });

  await phase("spokeAdded", async () => {
    // A new spoke whose LAN lies inside the hubs' summary: created and enrolled through the console, deployed
    // alone; the hubs learn it dynamically (NHRP registration, BGP listen range), so no other router changes.
    const runningConfig = async (name: string) => {
      const shown = await lab.request({
        action: "exec",
        router: name,
        argv: [
          "sh",
          "-c",
          `${lab.vtysh(name)} -c 'show running-config' 2>/dev/null | grep -v '^!' | grep -v '^Building\\|^Current'`,
        ],
      });
      if (!shown.ok) throw new Error(`${name}: show running-config failed: ${shown.detail}`);
      return shown.detail;
    };
    const others = labSiteNames;
    const before = new Map<string, string>();
    for (const n of others) before.set(n, await runningConfig(n));
    const t0 = Date.now();
    const created = await api.createSite(lab.networkId, lateSpokeInput());
    const token = await api.enrollmentToken(created.id, lab.routersUrl);
    const enrolled = await lab.request({ action: "enroll-agent", router: LATE_SPOKE, token }, 300_000);
    if (!enrolled.ok) throw new Error(`enroll-agent: ${enrolled.detail}`);
    await until(`${LATE_SPOKE}'s agent to connect`, 5 * 60_000, async () =>
      (await api.agentConnected(created.id)) ? true : undefined,
    );
    const newSite = (await api.sites()).find((x) => x.id === created.id);
    if (!newSite) throw new Error(`${LATE_SPOKE} is not in the console's sites`);
    lab.sites.set(newSite.name, newSite);
    const { deployment } = await deployAndWait(api, { siteIds: [newSite.id] });
    const item = deployment.items.find((i) => i.siteId === newSite.id);
    if (deployment.items.length !== 1 || item?.status !== "confirmed")
      throw new Error(`expected ${LATE_SPOKE} alone, confirmed: ${describeDeployment(deployment)}`);
    await until(`${LATE_SPOKE} registered with both hubs`, 5 * 60_000, () => allRegistered([newSite], labHubNames));
    const registeredAfter = Date.now() - t0;
    await until(`${LATE_SPOKE}'s BGP Established with both hubs`, 4 * 60_000, () => bgpEstablished([newSite]));
    // LAN traffic to spoke1's LAN until the console shows their shortcut
    let stop = false;
    const pinging = (async () => {
      while (!stop) {
        const r = await api.ping(newSite.id, lanHost("spoke1"), lanHost(LATE_SPOKE), 8).catch(() => null);
        if (!r) await sleep(1000);
      }
    })();
    await until(
      `the topology to show the ${LATE_SPOKE}–spoke1 shortcut`,
      3 * 60_000,
      async () => (shortcutEdge(await api.topology(), newSite, spoke1) ? true : undefined),
      { everyMs: 500 },
    ).finally(() => {
      stop = true;
    });
    const shortcutAfter = Date.now() - t0;
    await pinging;
    lastPacketAt = Date.now();
    const changed: string[] = [];
    for (const n of others) if ((await runningConfig(n)) !== before.get(n)) changed.push(n);
    if (changed.length) throw new Error(`adding ${LATE_SPOKE} changed the running config of ${changed.join(", ")}`);
    const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return [
      `add → registered ${sec(registeredAfter)}, add → first shortcut (to spoke1) ${sec(shortcutAfter)}; deployed alone (${item.status}); ${others.length} other routers' running configs unchanged`,
      registeredAfter,
    ];
  });

  // A hub dies (its internet port goes down) with the default BGP timers, then with fast ones set through the
  // console: how long a new spoke-to-spoke flow through it stops (hub-death.ts).
  const death: HubDeathContext = {
    lab,
    from: spoke1,
    to: spoke2,
    hubs,
    log,
    healthy: async () => {
      await until("every spoke registered with both hubs", 5 * 60_000, () => allRegistered(spokes, labHubNames));
      await until("every spoke's BGP Established with both hubs", 5 * 60_000, () => bgpEstablished(spokes));
    },
    noShortcut: async () => {
      await until("no spoke1–spoke2 shortcut in the topology", (LAB_HOLDTIME_S * 4 + 60) * 1000, async () =>
        shortcutEdge(await api.topology(), spoke1, spoke2) ? undefined : true,
      );
    },
  };
  await phase("hubDeathDefaultTimers", () => measureHubDeath(death, "hub-death-default-timers"));

  let fastTimers = false;
  await phase("fastTimers", async () => {
    await api.updateNetwork(lab.networkId, FAST_BGP_TIMERS);
    const { deployment, ms } = await deployAndWait(api, { networkId: lab.networkId }, {}, 20 * 60_000);
    const bad = deployment.items.filter((i) => i.status !== "confirmed");
    if (deployment.status !== "succeeded" || bad.length) throw new Error(describeDeployment(deployment));
    // FRR negotiates the hold time when a session opens: sessions up before the change keep the old one
    const holdBefore = await negotiatedHolds();
    for (const h of hubs) {
      const cleared = await lab.request({
        action: "exec",
        router: h.name,
        argv: ["sh", "-c", `${lab.vtysh(h.name)} -c 'clear bgp *'`],
      });
      if (!cleared.ok) throw new Error(`${h.name}: clear bgp * failed: ${cleared.detail}`);
    }
    const want = FAST_BGP_TIMERS.bgpHoldtime * 1000;
    const holdAfter = await until(
      `every spoke–hub session Established with hold ${want / 1000} s`,
      5 * 60_000,
      async () => {
        const holds = await negotiatedHolds();
        return holds.every((h) => h.state === "Established" && h.holdMs === want) ? holds : undefined;
      },
    );
    fastTimers = true;
    const fmt = (hs: { holdMs: number | undefined }[]) =>
      [...new Set(hs.map((h) => `${(h.holdMs ?? 0) / 1000} s`))].join("/");
    return [
      `bgpKeepalive ${FAST_BGP_TIMERS.bgpKeepalive} / bgpHoldtime ${FAST_BGP_TIMERS.bgpHoldtime} through PUT /networks/{id}, deployed to ${deployment.items.length} sites (all confirmed); negotiated hold before the sessions restarted ${fmt(holdBefore)}, after \`clear bgp *\` on the hubs ${fmt(holdAfter)}`,
      ms,
    ];
  });

  await phase("hubDeathFastTimers", async () => {
    if (!fastTimers) throw new Error("the fast BGP timers were not in effect");
    return measureHubDeath(death, "hub-death-fast-timers");
  });

  await phase("failover", async () => {
    // Losing hub1 proves something only if every spoke had both hubs, and BGP with hub1, before it went.
    await until("every spoke registered with both hubs before hub1's nhrpd stops", 3 * 60_000, () =>
      allRegistered(spokes, labHubNames),
    );
    await until("every spoke's BGP Established with both hubs before hub1's nhrpd stops", 4 * 60_000, () =>
      bgpEstablished(spokes),
    );
    // the rollback phase made spoke1 lose hub1 once already: only an event that was not there before counts (by
    // identity, not by time: the VM's clock is not the host's)
    const isHub1Lost = (e: { kind: string; detail: Record<string, unknown> }) =>
      e.kind === "registration-lost" && e.detail.hubNbma === hub1.publicAddress;
    const lostBefore = new Set((await api.status(spoke1.id)).events.filter(isHub1Lost).map((e) => e.at));
    const response = await lab.request({ action: "stop-daemon", router: "hub1", daemon: "nhrpd" });
    if (!response.ok) throw new Error(`the VM could not stop hub1's nhrpd: ${response.detail}`);
    const t0 = Date.now();
    await until("the spokes to report hub1's registration lost", 3 * 60_000, () => allRegistered(spokes, ["hub2"]));
    const lostAfter = Date.now() - t0;
    const events = (await api.status(spoke1.id)).events;
    const lost = events.find((e) => isHub1Lost(e) && !lostBefore.has(e.at));
    if (!lost)
      throw new Error(
        `spoke1 has no new registration-lost event for hub1: ${events.map((e) => `${e.kind}@${e.at}`).join(", ")}`,
      );
    const edge = (await api.topology()).edges.find(
      (e) =>
        e.kind === "hub-spoke" && [e.source, e.target].includes(hub1.id) && [e.source, e.target].includes(spoke1.id),
    );
    if (edge?.registered !== false) throw new Error(`the topology still shows spoke1 registered with hub1`);
    // Routing may still point at hub1 for a moment after the spokes report it lost (one CI run saw 0/3 at that
    // instant, another needed 47 s where most need 2–4 s); what must hold is that the LANs reach each other
    // through hub2 once routing has moved, so the bound is generous and the figure is reported.
    const reachT0 = Date.now();
    const ping = await lansReach("spoke1's LAN to reach spoke2's through hub2", 150_000);
    const reachedAfter = Date.now() - reachT0;
    // hub1 can no longer reach anyone, so its BGP sessions end only when their hold timers expire (the fast ones
    // by now, when that phase passed). Routing must still carry the LANs through hub2 then, on hub2's own summary.
    // a status without the session says nothing about its expiry
    await until("the spokes' BGP sessions with hub1 to expire", 5 * 60_000, async () => {
      for (const s of spokes) {
        const status = await statusOf(s);
        const state = bgpStateWith(status, hub1);
        if (state === undefined) throw new Error(`${s.name} reports no BGP session with hub1 at all`);
        if (state === "Established") return undefined;
      }
      return true;
    });
    const expiredAfter = Date.now() - t0;
    const after = await lansReach("spoke1's LAN to reach spoke2's once hub1's BGP is gone", 60_000);
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return [
      `hub1 nhrpd stopped → spokes report it lost; LAN ping through hub2 ${ping.received}/${ping.sent}, ${seconds(reachedAfter)} after the loss was reported; hub1's BGP sessions (${fastTimers ? `fast timers ${FAST_BGP_TIMERS.bgpKeepalive}/${FAST_BGP_TIMERS.bgpHoldtime}` : "default timers"}) expired ${seconds(expiredAfter)} after the stop, LAN ping then ${after.received}/${after.sent}`,
      lostAfter,
    ];
  });

  return result;
}

export function scenarioReport(lab: ConsoleLab, result: ScenarioResult, totalMs: number): string {
  const s = (ms: number | null | undefined) => (ms == null ? "n/a" : `${(ms / 1000).toFixed(1)} s`);
  const p = result.phases;
  return [
    `console ready (migrate + start): ${s(lab.timings.consoleReadyMs)}`,
    `VM start → every agent enrolled and online: ${s(lab.timings.agentsOnlineMs)}`,
    `deploy (whole network, waves, commit-confirm): ${s(p.deploy.ms)} ${p.deploy.ok ? "" : "FAILED"}`,
    `deploy start → every spoke registered with both hubs: ${s(p.registered.ms)}`,
    `first packet → shortcut visible in the console: ${s(p.shortcut.ms)}`,
    `last packet → shortcut gone (holdtime ${result.holdtimeSeconds} s): ${s(p.shortcutExpired.ms)}`,
    `bad change → rolled back by commit-confirm: ${s(p.rollback.ms)}`,
    `encrypted: ${p.encrypted.ok ? "" : "FAILED "}${p.encrypted.detail}`,
    `xfrm counters: ${p.xfrmCounters.detail}`,
    `SAs in the console: ${p.ipsecReported.detail}`,
    `add a spoke: ${p.spokeAdded.detail}`,
    `versions: ${p.versions.detail}`,
    `NHRP authentication: ${p.nhrpAuthRefused.detail}`,
    `hub dies, default BGP timers: ${s(p.hubDeathDefaultTimers.ms)} — ${p.hubDeathDefaultTimers.detail}`,
    `fast BGP timers: ${s(p.fastTimers.ms)} deploy — ${p.fastTimers.detail}`,
    `hub dies, fast BGP timers: ${s(p.hubDeathFastTimers.ms)} — ${p.hubDeathFastTimers.detail}`,
    `hub1 nhrpd stopped → spokes report registration lost: ${s(p.failover.ms)}`,
    `failover: ${p.failover.detail}`,
    `whole lab run: ${s(totalMs)}`,
  ].join("\n");
}
