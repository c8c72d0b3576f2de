// npm run bench (e2e): the topology page with 2,000 sites and 5,000 links in Debian's Chromium.
// Starts the built console on a temporary SQLite database, seeds four networks (2 hubs + 498 spokes each, every
// spoke registered with both hubs, ~1,000 shortcuts), loads the demo network on top, then measures
//   - time to first render: navigation start → first WebGL frame with the whole graph,
//   - update latency: "send traffic" between two demo spokes → shortcut edge patched into the browser's graph
//     (status stored, bus, SSE, delta applied) and the next frame drawn,
//   - frames drawn while the camera zooms for one second.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPrismaClient, resolveDatabase } from "@dmvpn/db";
import { emptySiteStatus, type NhrpCacheEntry, type SiteStatus } from "@dmvpn/protocol";
import { chromium, type Page } from "@playwright/test";
// @ts-expect-error plain JS helper shared with npm test
import { ensureConsoleBuilt } from "../../scripts/prepare.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NETWORKS = 4;
const SPOKES_PER_NETWORK = 498;
const SHORTCUTS = 1_000;
const UPDATE_ROUNDS = 10;
const PORT = Number(process.env.BENCH_PORT ?? 3297);
const admin = { name: "Bench Admin", email: "bench@example.net", password: "a long enough password" };

function entry(type: NhrpCacheEntry["type"], protocolAddress: string, nbma: string, expires: number | null) {
  return {
    interface: "gre1",
    type,
    protocolAddress,
    nbma,
    claimedNbma: nbma,
    expiresInSeconds: expires,
    flags: { used: true, timeout: expires !== null, auth: false, up: true },
    identity: null,
  } satisfies NhrpCacheEntry;
}

function sa(remote: string) {
  return {
    name: "dmvpn",
    uniqueId: remote,
    state: "ESTABLISHED",
    localHost: null,
    remoteHost: remote,
    remoteId: null,
    establishedSeconds: 600,
    natRemote: false,
    children: [],
  };
}

async function seed(databaseUrl: string) {
  const db = createPrismaClient(resolveDatabase({ DATABASE_URL: databaseUrl }));
  const now = new Date();
  const spokeStatuses = new Map<string, SiteStatus>();
  const spokesByNetwork: { id: string; tunnel: string; nbma: string }[][] = [];
  for (let n = 0; n < NETWORKS; n++) {
    const network = await db.network.create({
      data: {
        name: `bench-${n}`,
        tunnelPrefix: `10.${100 + n}.0.0/22`,
        greKey: 100 + n,
        nhrpNetworkId: 100 + n,
        ipsecPsk: "bench-only-pre-shared-key",
      },
    });
    const hubs = [1, 2].map((h) => ({ tunnel: `10.${100 + n}.0.${h}`, nbma: `203.0.${n}.${h}` }));
    const sites = [
      ...hubs.map((h, i) => ({ name: `bench-${n}-hub-${i + 1}`, role: "hub", ...h })),
      ...Array.from({ length: SPOKES_PER_NETWORK }, (_, i) => {
        const k = i + 10;
        return {
          name: `bench-${n}-spoke-${i + 1}`,
          role: "spoke",
          tunnel: `10.${100 + n}.${Math.floor(k / 256)}.${k % 256}`,
          nbma: `198.${18 + n}.${Math.floor(k / 256)}.${k % 256}`,
        };
      }),
    ];
    const rows = [];
    for (const [i, s] of sites.entries()) {
      rows.push({
        id: `bench${n}x${i}`,
        networkId: network.id,
        name: s.name,
        role: s.role,
        platform: "frr-linux",
        wanInterface: "eth0",
        publicAddress: s.nbma,
        tunnelAddress: s.tunnel,
        tunnelAddressNum: BigInt(s.tunnel.split(".").reduce((a, o) => a * 256 + Number(o), 0)),
        latitude: -60 + ((i * 37) % 130),
        longitude: -170 + ((i * 53) % 340),
        searchKey: s.name,
      });
    }
    await db.site.createMany({ data: rows });
    const spokes = rows.filter((r) => r.role === "spoke");
    spokesByNetwork.push(spokes.map((r) => ({ id: r.id, tunnel: r.tunnelAddress, nbma: r.publicAddress })));
    for (const r of spokes) {
      const st = emptySiteStatus(now.toISOString());
      st.nhrpCache.push(entry("local", r.tunnelAddress, r.publicAddress, null));
      for (const h of hubs) {
        st.nhs.push({ interface: "gre1", nbma: h.nbma, protocolAddress: h.tunnel, registered: true });
        st.nhrpCache.push(entry("nhs", h.tunnel, h.nbma, 300));
        st.ipsecSas.push(sa(h.nbma));
        st.bgpNeighbors.push({
          address: h.tunnel,
          remoteAs: 65000,
          state: "Established",
          prefixesReceived: 1,
          uptimeSeconds: 600,
        });
      }
      spokeStatuses.set(r.id, st);
    }
  }
  // shortcuts between spokes of the same network, reported by one side (the model dedupes both anyway)
  for (let i = 0; i < SHORTCUTS; i++) {
    const spokes = spokesByNetwork[i % NETWORKS]!;
    const a = spokes[(i * 7) % spokes.length]!;
    const b = spokes[(i * 7 + 1 + Math.floor(i / NETWORKS)) % spokes.length]!;
    if (a.id === b.id) continue;
    spokeStatuses.get(a.id)!.nhrpCache.push(entry("dynamic", b.tunnel, b.nbma, 86_400));
    spokeStatuses.get(a.id)!.ipsecSas.push(sa(b.nbma));
  }
  await db.siteStatus.createMany({
    data: [...spokeStatuses].map(([siteId, status]) => ({
      siteId,
      seq: 1,
      status: JSON.stringify(status),
      collectedAt: now,
      // far in the future, so the seeded sites stay "fresh" for the length of the run
      receivedAt: new Date(now.getTime() + 3_600_000),
    })),
  });
  await db.$disconnect();
}

/**
 * An enrolled, connected agent for every seeded site. Without one a site is config-managed (no agent): the topology
 * ignores its reports, so the seeded shortcuts were never drawn and the graph had ~4,000 edges instead of ~5,000.
 * Written once the console is up: it marks every agent disconnected when it starts.
 */
async function seedAgents(databaseUrl: string) {
  const db = createPrismaClient(resolveDatabase({ DATABASE_URL: databaseUrl }));
  const sites = await db.site.findMany({ where: { id: { startsWith: "bench" } }, select: { id: true, name: true } });
  await db.agent.createMany({
    data: sites.map((s) => ({
      siteId: s.id,
      credentialHash: createHash("sha256").update(`bench-agent-${s.id}`).digest("hex"),
      hostname: s.name,
      platform: "frr-linux",
      version: "bench",
      connected: true,
    })),
  });
  await db.$disconnect();
  return sites.length;
}

async function waitForServer(url: string) {
  for (let i = 0; i < 240; i++) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`console did not start at ${url}`);
}

interface BenchNode {
  id: string;
  isDemo: boolean;
  role: string;
  freshness: string;
  registered: number;
}

interface Probe {
  graph: {
    order: number;
    size: number;
    hasEdge(id: string): boolean;
    mapNodes<T>(fn: (id: string, a: { data: BenchNode }) => T): T[];
  };
  snapshotAt: number | null;
  firstRenderAt: number | null;
  sigma: {
    refresh(): void;
    getCamera(): { animate(state: { ratio: number }, opts: { duration: number }): Promise<void> };
  } | null;
  edgeAddedAt: Record<string, number>;
  edgeDrawnAt: Record<string, number>;
  renders: number;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms`;
};

async function measureUpdates(page: Page): Promise<{ latencies: number[]; patched: number[] }> {
  const latencies: number[] = [];
  const patched: number[] = [];
  const used = new Set<string>();
  for (let round = 0; round < UPDATE_ROUNDS; round++) {
    const result = await page.evaluate(
      async (usedPairs) => {
        const probe = (window as unknown as { __topology: Probe }).__topology;
        const spokes = probe.graph
          .mapNodes((_id, a) => a.data)
          .filter((d) => d.isDemo && d.role === "spoke" && d.freshness === "fresh" && d.registered === 2);
        let pair: [string, string] | null = null;
        for (const a of spokes)
          for (const b of spokes) {
            const id = a.id < b.id ? `sc:${a.id}~${b.id}` : `sc:${b.id}~${a.id}`;
            if (a.id !== b.id && !probe.graph.hasEdge(id) && !usedPairs.includes(id)) pair = pair ?? [a.id, b.id];
          }
        if (!pair) return null;
        const edgeId = pair[0] < pair[1] ? `sc:${pair[0]}~${pair[1]}` : `sc:${pair[1]}~${pair[0]}`;
        const started = performance.now();
        const res = await fetch("/api/trpc/demo.sendTraffic", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ json: { fromSiteId: pair[0], toSiteId: pair[1] } }),
        });
        const body = await res.json();
        if (!body?.result?.data?.json?.shortcut) return { edgeId, latency: -1 };
        const deadline = started + 10_000;
        while (!probe.edgeDrawnAt[edgeId] && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const added = probe.edgeAddedAt[edgeId];
        const drawn = probe.edgeDrawnAt[edgeId];
        if (!added || !drawn) return { edgeId, latency: -1 };
        return { edgeId, latency: drawn - started, patchedAfter: added - started };
      },
      [...used],
    );
    if (!result) break;
    used.add(result.edgeId);
    if (result.latency >= 0) latencies.push(result.latency);
    if (result.patchedAfter !== undefined) patched.push(result.patchedAfter);
  }
  return { latencies, patched };
}

async function main() {
  // the page exposes window.__topology only in a build made for the benchmark
  ensureConsoleBuilt({ probe: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), "dmvpn-bench-"));
  const env = {
    ...process.env,
    DATABASE_URL: `file:${path.join(dir, "bench.db")}`,
    PORT: String(PORT),
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  execFileSync(process.execPath, ["scripts/db.mjs", "migrate"], { cwd: root, env, stdio: "ignore" });
  const seedStart = Date.now();
  await seed(env.DATABASE_URL);
  console.log(`seeded ${NETWORKS * (SPOKES_PER_NETWORK + 2)} sites in ${Date.now() - seedStart} ms`);

  const server = spawn(process.execPath, [path.join(root, "apps/console/dist/server.js")], {
    cwd: root,
    env,
    stdio: "ignore",
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const base = `http://127.0.0.1:${PORT}`;
    await waitForServer(`${base}/login`);
    console.log(`agents enrolled and connected for ${await seedAgents(env.DATABASE_URL)} seeded sites`);
    const page = await browser.newPage({ baseURL: base, viewport: { width: 1600, height: 1000 } });
    await page.goto("/setup");
    await page.getByLabel("Name").fill(admin.name);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByRole("button", { name: "Load demo network" }).click();
    await page.getByRole("button", { name: "Remove demo network" }).waitFor({ timeout: 30_000 });

    const firstRenders: number[] = [];
    // Where the first render's time goes: page served, view's chunk loaded, snapshot (the live subscription's
    // first message) in the graph, first frame.
    const STEPS = ["mounted", "subscribed", "snapshot-received", "snapshot-loaded"] as const;
    const phases: Record<"document" | "viewLoaded" | "snapshotApplied" | (typeof STEPS)[number], number[]> = {
      document: [],
      viewLoaded: [],
      snapshotApplied: [],
      mounted: [],
      subscribed: [],
      "snapshot-received": [],
      "snapshot-loaded": [],
    };
    for (let i = 0; i < 3; i++) {
      await page.goto("/topology");
      await page.waitForFunction(
        () => {
          const p = (window as unknown as { __topology?: Probe }).__topology;
          return p?.firstRenderAt != null && p.graph.order >= 2000;
        },
        null,
        { timeout: 60_000, polling: 20 },
      );
      const at = await page.evaluate((steps) => {
        const probe = (window as unknown as { __topology: Probe }).__topology;
        const [nav] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
        const scripts = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter(
          (r) => r.initiatorType === "script",
        );
        return {
          document: nav?.responseEnd ?? -1,
          viewLoaded: Math.max(-1, ...scripts.map((r) => r.responseEnd)),
          snapshotApplied: probe.snapshotAt ?? -1,
          firstRender: probe.firstRenderAt ?? -1,
          // the view's own User Timing marks (topology-view.tsx)
          steps: steps.map((step) => performance.getEntriesByName(`topology:${step}`)[0]?.startTime ?? -1),
        };
      }, STEPS);
      firstRenders.push(at.firstRender);
      phases.document.push(at.document);
      phases.viewLoaded.push(at.viewLoaded);
      phases.snapshotApplied.push(at.snapshotApplied);
      for (const [k, step] of STEPS.entries()) phases[step].push(at.steps[k] as number);
    }
    const size = await page.evaluate(() => {
      const g = (window as unknown as { __topology: Probe }).__topology.graph;
      return { nodes: g.order, edges: g.size };
    });
    // let the demo spokes register (up to ~12 s after loading)
    await page.waitForFunction(
      () =>
        (window as unknown as { __topology: Probe }).__topology.graph
          .mapNodes((_id, a) => a.data)
          .filter((d) => d.isDemo && d.role === "spoke" && d.registered === 2).length >= 10,
      null,
      { timeout: 30_000, polling: 200 },
    );
    const { latencies, patched } = await measureUpdates(page);
    const frames = await page.evaluate(async () => {
      const probe = (window as unknown as { __topology: Probe }).__topology;
      const before = probe.renders;
      await probe.sigma?.getCamera().animate({ ratio: 0.3 }, { duration: 1000 });
      return probe.renders - before;
    });

    const frameMs = await page.evaluate(() => {
      const probe = (window as unknown as { __topology: Probe }).__topology;
      const started = performance.now();
      for (let i = 0; i < 5; i++) probe.sigma?.refresh();
      return (performance.now() - started) / 5;
    });
    const idleFrames = await page.evaluate(async () => {
      let n = 0;
      const started = performance.now();
      while (performance.now() - started < 1000) {
        await new Promise(requestAnimationFrame);
        n++;
      }
      return n;
    });
    console.log(`graph: ${size.nodes} nodes, ${size.edges} edges (Chromium, software WebGL: --disable-gpu)`);
    console.log(`time to first render (navigation start → first frame with the graph): ${stats(firstRenders)}`);
    console.log(`  of which page served (document response end): ${stats(phases.document)}`);
    console.log(`  last script loaded (the view's chunk among them): ${stats(phases.viewLoaded)}`);
    console.log(`  view mounted: ${stats(phases.mounted)}`);
    console.log(`  live subscription started: ${stats(phases.subscribed)}`);
    console.log(`  snapshot received: ${stats(phases["snapshot-received"])}`);
    console.log(`  snapshot loaded into the graph (layout included): ${stats(phases["snapshot-loaded"])}`);
    console.log(`  snapshot in the graph as the probe saw it: ${stats(phases.snapshotApplied)}`);
    console.log(
      latencies.length
        ? `update latency (send traffic → shortcut edge drawn), ${latencies.length} rounds: ${stats(latencies)}`
        : "update latency: no round completed",
    );
    if (patched.length) console.log(`  of which until the patch reached the browser's graph: ${stats(patched)}`);
    console.log(`full redraw (sigma.refresh, graph re-read and drawn): ${frameMs.toFixed(0)} ms`);
    console.log(
      `frames drawn during a 1 s animated zoom: ${frames}; browser animation frames per idle second: ${idleFrames}`,
    );
    if (!latencies.length) process.exitCode = 1;
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
