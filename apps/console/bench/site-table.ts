// npm run bench -w @dmvpn/console: the site table with 5,000 sites on SQLite. Imports the sites through the
// real import service (one transaction), then times the table's server-side queries.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createPrismaClient, repoRoot } from "@dmvpn/db";
import { systemActor } from "../src/server/services/actor";
import { applyImport } from "../src/server/services/inventory-import";
import { createNetwork } from "../src/server/services/networks";
import { listSites, type SiteListQuery } from "../src/server/services/sites";

const SITES = 5000;
const RUNS = 20;

const dir = mkdtempSync(path.join(os.tmpdir(), "dmvpn-bench-"));
const file = path.join(dir, "bench.db");
execFileSync(process.execPath, ["scripts/db.mjs", "migrate"], {
  cwd: repoRoot,
  env: { ...process.env, DATABASE_URL: `file:${file}` },
  stdio: "ignore",
});
const db = createPrismaClient({ provider: "sqlite", url: `file:${file}`, file });
const actor = systemActor("bench");

try {
  await createNetwork(db, actor, { name: "big", tunnelPrefix: "10.128.0.0/16", greKey: 1, nhrpNetworkId: 1 });
  const rows = ["network,name,role,platform,wanInterface,publicAddress,lanPrefixes,tags"];
  rows.push("big,hub-1,hub,vyos-1.5,eth0,203.0.113.1,,core", "big,hub-2,hub,vyos-1.5,eth0,203.0.113.2,,core");
  const platforms = ["vyos-1.4", "vyos-1.5", "frr-linux", "cisco-ios"];
  for (let i = 0; i < SITES - 2; i++) {
    const tag = ["emea", "amer", "apac"][i % 3];
    rows.push(`big,branch-${i},spoke,${platforms[i % 4]},eth0,,10.${i >> 8}.${i & 255}.0/24,${tag} store-${i % 50}`);
  }
  let t = performance.now();
  const imported = await applyImport(db, actor, { format: "csv", text: rows.join("\n") });
  console.log(
    `import ${imported.counts.create} sites (validate, allocate, write in one transaction): ${Math.round(performance.now() - t)} ms`,
  );

  const queries: [string, SiteListQuery][] = [
    ["first page, by name", {}],
    ["last page, by name", { page: Math.ceil(SITES / 50) }],
    ["sorted by tunnel address, descending", { sort: "tunnelAddress", direction: "desc" }],
    ["search 'branch-49'", { search: "branch-49" }],
    ["filter tag + platform", { tag: "emea", platform: "vyos-1.5" }],
    ["sorted by network", { sort: "network" }],
  ];
  for (const [label, query] of queries) {
    await listSites(db, query);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t = performance.now();
      await listSites(db, query);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(RUNS / 2)] ?? 0;
    const p95 = times[Math.floor(RUNS * 0.95)] ?? 0;
    console.log(
      `site table, ${label}: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${SITES} sites, ${RUNS} runs)`,
    );
  }
} finally {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
}
