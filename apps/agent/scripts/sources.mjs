// What the agent is built from, for the builds' up-to-date checks: a build is skipped when its output is newer than
// every file here (the agent's sources, its build scripts and manifest, and the protocol package it bundles).
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = [
  path.join(agentDir, "src"),
  path.join(agentDir, "scripts"),
  path.join(agentDir, "package.json"),
  path.join(agentDir, "../../packages/protocol/src"),
  path.join(agentDir, "../../packages/protocol/package.json"),
];

function newestMtime(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted source file changes its directory's mtime
  for (const entry of readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)));
  return newest;
}

export const agentDist = path.join(agentDir, "dist");

/** True when `output` exists and is newer than every source the agent is built from. */
export function isUpToDate(output) {
  if (!existsSync(output)) return false;
  return statSync(output).mtimeMs >= Math.max(...SOURCES.map(newestMtime));
}
