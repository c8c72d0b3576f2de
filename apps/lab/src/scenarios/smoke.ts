import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SiteSpec } from "@dmvpn/inventory";
import { renderSiteConfig } from "@dmvpn/render";
import { captureStatus } from "../vm/capture";
import { runCommand, sleep, waitFor } from "../vm/exec";
import { parseBgpPeers, parseNhrpCache, parseNhrpNhs, parseNhrpShortcuts, parseSelectedRoute } from "../vm/frr-status";
import { LabTopology, QEMU_HOST_ADDRESS } from "../vm/topology";
import {
  lanAddress,
  SMOKE_HOLDTIME_S,
  SMOKE_NAT,
  smokeHubs,
  smokeNetwork,
  smokeSites,
  smokeSpokes,
  smokeTopology,
} from "./smoke-inventory";
import type { SmokePhase, SmokeResult } from "./smoke-result";

/**
 * Runs inside the lab VM (as PID 1's job): builds the smoke topology, configures every router from the smoke
 * inventory, then walks through registration, BGP, a phase 3 shortcut, its expiry, the NATed spoke and a hub
 * failure, capturing FRR's status output at each moment. Writes result.json and captures/ to the run directory.
 */

const outDir = process.argv[2] ?? "/run/lab";
const capturesDir = join(outDir, "captures");
const probePort = Number(process.env.LAB_HOST_PROBE_PORT ?? "");
const started = Date.now();
const log = (msg: string) => console.log(`[smoke +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

const notRun = (): SmokePhase => ({ ok: false, ms: null, detail: "not reached" });
const result: SmokeResult = {
  renderer: "@dmvpn/render",
  holdtimeSeconds: SMOKE_HOLDTIME_S,
  phases: {
    topology: notRun(),
    registered: notRun(),
    bgp: notRun(),
    shortcut: notRun(),
    shortcutExpired: notRun(),
    natRegistered: notRun(),
    natTraffic: notRun(),
    failover: notRun(),
  },
  hostProbe: { attempted: false, ok: false, detail: "no LAB_HOST_PROBE_PORT given" },
  observations: {},
  captures: [],
};

/** Written after every phase, so a run cut short by the host's timeout still tells how far it got. */
const saveResult = () => writeFile(join(outDir, "result.json"), `${JSON.stringify(result, null, 2)}\n`);

async function phase(name: keyof SmokeResult["phases"], run: () => Promise<string>): Promise<boolean> {
  const t0 = Date.now();
  log(`${name}: start`);
  let ok = false;
  try {
    const detail = await run();
    result.phases[name] = { ok: true, ms: Date.now() - t0, detail };
    log(`${name}: ok in ${Date.now() - t0} ms (${detail})`);
    ok = true;
  } catch (error) {
    result.phases[name] = { ok: false, ms: Date.now() - t0, detail: (error as Error).message };
    log(`${name}: FAILED ${(error as Error).message}`);
  }
  await saveResult();
  return ok;
}

const byName = (name: string): SiteSpec => {
  const s = smokeSites.find((x) => x.name === name);
  if (!s) throw new Error(`no site ${name}`);
  return s;
};

let topology: LabTopology;

/**
 * The router's files from the console's renderer (target "frr"). The renderer refuses a NATed spoke without
 * IPsec ("plain GRE does not cross NAT"); Linux conntrack does carry GRE through one MASQUERADE, and the lab
 * shows it, so the NATed spoke is rendered as a public one: for FRR without IPsec the files are the same.
 */
function renderedFiles(site: SiteSpec): Record<"gre.sh" | "frr.conf" | "iptables.sh", string> {
  const rendered = renderSiteConfig({
    network: smokeNetwork,
    site: site.behindNat && !smokeNetwork.ipsecEnabled ? { ...site, behindNat: false } : site,
    hubs: smokeHubs,
    spokes: smokeSpokes,
    target: "frr",
  });
  const file = (name: string) => {
    const found = rendered.files.find((f) => f.name === name);
    if (!found) throw new Error(`renderer gave ${site.name} no ${name}`);
    return found.content;
  };
  return { "gre.sh": file("gre.sh"), "frr.conf": file("frr.conf"), "iptables.sh": file("iptables.sh") };
}

async function capture(moment: string, routers: string[]): Promise<void> {
  const files = await captureStatus(topology, capturesDir, moment, routers);
  result.captures.push(...files);
  log(`captured ${moment} on ${routers.join(", ")}`);
}

/** Hubs (by name) a spoke is registered with: NHS protocol address learned and a cache row of type nhs. */
async function registeredHubs(spoke: string): Promise<string[]> {
  const nhs = parseNhrpNhs(await topology.vtysh(spoke, "show ip nhrp nhs json"));
  const cache = parseNhrpCache(await topology.vtysh(spoke, "show ip nhrp cache json"));
  return smokeHubs
    .filter(
      (hub) =>
        nhs.some((n) => n.nbma === hub.publicAddress && n.protocol === hub.tunnelAddress) &&
        cache.some((c) => c.type === "nhs" && c.protocol === hub.tunnelAddress),
    )
    .map((hub) => hub.name);
}

async function establishedHubs(spoke: string): Promise<string[]> {
  const peers = parseBgpPeers(await topology.vtysh(spoke, "show bgp ipv4 unicast summary json"));
  return smokeHubs.filter((hub) => peers[hub.tunnelAddress]?.state === "Established").map((hub) => hub.name);
}

async function shortcutTo(from: string, to: SiteSpec): Promise<string | undefined> {
  const target = lanAddress(to).replace(/\.1$/, ".");
  const shortcuts = parseNhrpShortcuts(await topology.vtysh(from, "show ip nhrp shortcut json"));
  const cache = parseNhrpCache(await topology.vtysh(from, "show ip nhrp cache json"));
  const shortcut = shortcuts.find((s) => s.prefix.startsWith(target) && s.via === to.tunnelAddress);
  const dynamic = cache.find((c) => c.type === "dynamic" && c.protocol === to.tunnelAddress);
  return shortcut && dynamic
    ? `${shortcut.prefix} via ${shortcut.via} (${shortcut.type}), nbma ${dynamic.nbma}`
    : undefined;
}

async function routeTo(from: string, address: string) {
  return parseSelectedRoute(await topology.vtysh(from, `show ip route ${address} json`));
}

/** Pings from one spoke's LAN to another's every 300 ms until stopped; resolves with the first send time. */
function keepPinging(from: SiteSpec, to: SiteSpec): { firstSentAt: Promise<number>; stop: () => Promise<number> } {
  let running = true;
  let lastSentAt = 0;
  let markFirst: (t: number) => void = () => {};
  const firstSentAt = new Promise<number>((r) => {
    markFirst = r;
  });
  const loop = (async () => {
    while (running) {
      lastSentAt = Date.now();
      markFirst(lastSentAt);
      await topology.ping(from.name, lanAddress(to), { source: lanAddress(from), count: 1, timeoutS: 1 });
      await sleep(300);
    }
  })();
  return {
    firstSentAt,
    stop: async () => {
      running = false;
      await loop;
      return lastSentAt;
    },
  };
}

async function probeHost(): Promise<void> {
  if (!Number.isInteger(probePort) || probePort <= 0) return;
  result.hostProbe.attempted = true;
  const message = `lab-probe from spoke1 ${topology.mgmtAddresses.get("spoke1")}`;
  const sent = await topology.exec("spoke1", [
    "timeout",
    "20",
    "bash",
    "-c",
    `printf '%s\\n' "$1" >/dev/tcp/${QEMU_HOST_ADDRESS}/${probePort}`,
    "probe",
    message,
  ]);
  result.hostProbe.ok = sent.exitCode === 0;
  result.hostProbe.detail = sent.exitCode === 0 ? message : `exit ${sent.exitCode}: ${sent.stderr.trim()}`;
  log(`host probe: ${result.hostProbe.detail}`);
}

async function main(): Promise<void> {
  await mkdir(capturesDir, { recursive: true });
  const spoke1 = byName("spoke1");
  const spoke2 = byName("spoke2");
  const spoke3 = byName("spoke3");

  const built = await phase("topology", async () => {
    topology = await LabTopology.create(smokeTopology);
    log("topology: namespaces, bridges and NAT up");
    await probeHost();
    // Routers are independent; configuring them side by side uses both vCPUs.
    await Promise.all(
      smokeSites.map(async (site) => {
        const files = renderedFiles(site);
        await topology.runScript(site.name, files["gre.sh"]);
        await topology.runScript(site.name, files["iptables.sh"]);
        await topology.startFrr(site.name);
        await topology.applyFrrConfig(site.name, files["frr.conf"]);
        await writeFile(join(outDir, `${site.name}.frr.conf`), files["frr.conf"]);
        log(`${site.name}: configured`);
      }),
    );
    return `${smokeSites.length} routers and ${SMOKE_NAT.name} up, FRR configured`;
  });
  if (!built) return;
  const configuredAt = Date.now();

  const publicSpokes = smokeSpokes.filter((s) => !s.behindNat).map((s) => s.name);
  const registered = await phase("registered", async () => {
    await waitFor("every public spoke registered with both hubs", 120_000, async () => {
      for (const spoke of publicSpokes) if ((await registeredHubs(spoke)).length < smokeHubs.length) return undefined;
      return true;
    });
    return `${publicSpokes.join(", ")} registered with ${smokeHubs.map((h) => h.name).join(", ")} ${Date.now() - configuredAt} ms after configuration`;
  });

  const bgp = await phase("bgp", async () => {
    await waitFor("BGP established and spoke LAN routes learned", 120_000, async () => {
      for (const spoke of publicSpokes) if ((await establishedHubs(spoke)).length < smokeHubs.length) return undefined;
      const route = await routeTo("spoke1", lanAddress(spoke2));
      return route?.protocol === "bgp" ? route : undefined;
    });
    return `${publicSpokes.join(", ")} Established with every hub ${Date.now() - configuredAt} ms after configuration`;
  });
  await capture(
    "registered",
    smokeSites.map((s) => s.name),
  );
  if (!registered || !bgp) return;
  result.observations.routeBeforeShortcut = await routeTo("spoke1", lanAddress(spoke2));

  let lastPacketAt = 0;
  const shortcut = await phase("shortcut", async () => {
    const traffic = keepPinging(spoke1, spoke2);
    const first = await traffic.firstSentAt;
    try {
      const seen = await waitFor("spoke1 shortcut to spoke2", 60_000, () => shortcutTo("spoke1", spoke2), {
        everyMs: 250,
      });
      const ms = Date.now() - first;
      result.observations.routeWithShortcut = await routeTo("spoke1", lanAddress(spoke2));
      result.observations.dmvpnWithShortcut = JSON.parse((await topology.vtysh("spoke1", "show dmvpn json")).stdout);
      await capture("shortcut-up", ["spoke1", "spoke2", "hub1", "hub2"]);
      return `${seen}; first packet -> shortcut visible ${ms} ms`;
    } finally {
      lastPacketAt = await traffic.stop();
    }
  });

  if (shortcut) {
    await phase("shortcutExpired", async () => {
      await waitFor("spoke1 shortcut to spoke2 to expire", 5 * SMOKE_HOLDTIME_S * 1000, async () =>
        (await shortcutTo("spoke1", spoke2)) ? undefined : true,
      );
      const ms = Date.now() - lastPacketAt;
      result.observations.routeAfterExpiry = await routeTo("spoke1", lanAddress(spoke2));
      await capture("shortcut-expired", ["spoke1", "spoke2"]);
      return `gone ${ms} ms after the last packet (holdtime ${SMOKE_HOLDTIME_S} s)`;
    });
  }

  const natRegistered = await phase("natRegistered", async () => {
    await waitFor("spoke3 (behind NAT) registered with both hubs", 60_000, async () =>
      (await registeredHubs("spoke3")).length === smokeHubs.length ? true : undefined,
    );
    const natPublic = SMOKE_NAT.publicAddress.split("/")[0];
    const seenByHub = parseNhrpCache(await topology.vtysh("hub1", "show ip nhrp cache json")).find(
      (c) => c.protocol === spoke3.tunnelAddress,
    );
    result.observations.natSpokeOnHub1 = seenByHub;
    if (!seenByHub || seenByHub.nbma !== natPublic) {
      throw new Error(`hub1 sees spoke3 at ${seenByHub?.nbma ?? "nothing"}, expected the NAT address ${natPublic}`);
    }
    return `hub1 cache: ${seenByHub.protocol} nbma ${seenByHub.nbma} claimed ${seenByHub.claimed_nbma}`;
  });
  if (natRegistered) {
    await phase("natTraffic", async () => {
      await waitFor("spoke1 LAN <-> spoke3 LAN", 60_000, async () => {
        const there = await topology.ping("spoke1", lanAddress(spoke3), { source: lanAddress(spoke1), count: 1 });
        const back = await topology.ping("spoke3", lanAddress(spoke1), { source: lanAddress(spoke3), count: 1 });
        return there && back ? true : undefined;
      });
      // Give a shortcut time to form, then record whether one did (NAT traversal of plain GRE is best effort).
      for (let i = 0; i < 10; i++) {
        await topology.ping("spoke1", lanAddress(spoke3), { source: lanAddress(spoke1), count: 1 });
        await sleep(500);
      }
      const natShortcut = (await shortcutTo("spoke1", spoke3)) ?? null;
      result.observations.natShortcut = natShortcut;
      await capture("nat-spoke", ["spoke3", "spoke1", "hub1"]);
      return `pings both ways ok; shortcut spoke1 -> spoke3: ${natShortcut ?? "none"}`;
    });
  }

  await phase("failover", async () => {
    await topology.stopDaemon("hub1", "nhrpd");
    const stoppedAt = Date.now();
    // Wait until the spokes have noticed (hub1 no longer a registered NHS), so traffic can only use hub2.
    await waitFor("spokes to drop hub1 as NHS", 5 * SMOKE_HOLDTIME_S * 1000, async () => {
      for (const spoke of publicSpokes) if ((await registeredHubs(spoke)).includes("hub1")) return undefined;
      return true;
    });
    const noticedMs = Date.now() - stoppedAt;
    await waitFor("spoke1 LAN <-> spoke2 LAN without hub1", 60_000, async () => {
      const there = await topology.ping("spoke1", lanAddress(spoke2), { source: lanAddress(spoke1), count: 1 });
      const back = await topology.ping("spoke2", lanAddress(spoke1), { source: lanAddress(spoke2), count: 1 });
      return there && back ? true : undefined;
    });
    const route = await routeTo("spoke1", lanAddress(spoke2));
    result.observations.routeAfterHubFailure = route;
    result.observations.registeredAfterHubFailure = {
      spoke1: await registeredHubs("spoke1"),
      spoke2: await registeredHubs("spoke2"),
    };
    await capture("hub1-nhrpd-down", ["spoke1", "spoke2", "hub2"]);
    if (route?.nexthops.includes(smokeHubs[0]!.tunnelAddress)) {
      throw new Error(`spoke1 still routes ${lanAddress(spoke2)} via hub1: ${JSON.stringify(route)}`);
    }
    return `spokes dropped hub1 after ${noticedMs} ms; LANs reach each other, route ${route?.protocol} via ${route?.nexthops.join(",")}`;
  });
}

const REQUIRED: (keyof SmokeResult["phases"])[] = [
  "topology",
  "registered",
  "bgp",
  "shortcut",
  "shortcutExpired",
  "failover",
];

try {
  await main();
} catch (error) {
  log(`crashed: ${(error as Error).stack}`);
}
for (const router of smokeSites.map((s) => s.name)) {
  const nhrpLog = await runCommand(["tail", "-n", "40", `/var/log/frr/${router}/nhrpd.log`]);
  await writeFile(join(outDir, `${router}.nhrpd.log`), nhrpLog.stdout).catch(() => {});
}
await saveResult();
const failed = REQUIRED.filter((p) => !result.phases[p].ok);
log(failed.length === 0 ? "all required phases passed" : `failed: ${failed.join(", ")}`);
process.exit(failed.length === 0 ? 0 : 1);
