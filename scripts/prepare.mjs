// Shared by `npm start` and `npm test`: install what is missing, generate the Prisma clients, build the console
// when its sources changed. Each step is skipped when already done, so a second start is quick.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

export function run(cmd, args, options = {}) {
  execFileSync(cmd, args, {
    cwd: root,
    stdio: "inherit",
    ...options,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...options.env },
  });
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".next" || entry.name === "dist" || entry.name.startsWith("."))
      continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureInstalled() {
  const marker = path.join(root, "node_modules/.package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
    console.log("Installing dependencies (npm ci)…");
    run(npm, ["ci", "--no-audit", "--no-fund"]);
  }
  const dbDist = path.join(root, "packages/db/dist/index.js");
  if (
    !existsSync(dbDist) ||
    !existsSync(path.join(root, "packages/db/generated/postgres")) ||
    // the console loads @dmvpn/db from dist/: a checkout whose db sources or schema changed since needs it rebuilt
    statSync(dbDist).mtimeMs <
      Math.max(newestMtime(path.join(root, "packages/db/src")), newestMtime(path.join(root, "prisma")))
  ) {
    run(process.execPath, ["scripts/db.mjs", "generate"]);
  }
}

/**
 * Builds the agent's bundle and its linux-x64 single executable (what a VyOS router downloads) when missing or older
 * than the agent's sources. The console serves them from apps/agent/dist, so this runs even when the console is up to
 * date; each script skips its own work when its output is current.
 */
export function ensureAgentBuilt() {
  run(process.execPath, ["apps/agent/scripts/build.mjs", "--if-stale"]);
  run(process.execPath, ["apps/agent/scripts/build-sea.mjs"]);
}

/**
 * Rebuilds the console when anything it is built from is newer than the last build, or when the last build was
 * (or was not) the benchmark's: only `npm run bench` builds with the topology probe (NEXT_PUBLIC_TOPOLOGY_PROBE).
 */
export function ensureConsoleBuilt({ probe = false } = {}) {
  const buildId = path.join(root, "apps/console/.next/BUILD_ID");
  const probeMarker = path.join(root, "apps/console/.next/TOPOLOGY_PROBE");
  const server = path.join(root, "apps/console/dist/server.js");
  const sources = Math.max(
    newestMtime(path.join(root, "apps/console")),
    ...readdirSync(path.join(root, "packages")).map((p) => newestMtime(path.join(root, "packages", p, "src"))),
  );
  if (
    existsSync(buildId) &&
    existsSync(server) &&
    existsSync(probeMarker) === probe &&
    statSync(buildId).mtimeMs >= sources &&
    statSync(server).mtimeMs >= sources
  )
    return;
  console.log(probe ? "Building the console with the benchmark's topology probe…" : "Building the console…");
  rmSync(probeMarker, { force: true });
  run(npm, ["run", "build", "-w", "@dmvpn/console"], { env: { NEXT_PUBLIC_TOPOLOGY_PROBE: probe ? "1" : "" } });
  if (probe) writeFileSync(probeMarker, "built with NEXT_PUBLIC_TOPOLOGY_PROBE=1 for npm run bench\n");
}
