// What the agent is built from, for both builds (the ESM bundle and the single executable): the esbuild options they
// share, and the up-to-date check that skips a build when its output is newer than every file here (the agent's
// sources, its build scripts and manifest, and the protocol, render and sim packages it bundles).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = [
  path.join(agentDir, "src"),
  path.join(agentDir, "scripts"),
  path.join(agentDir, "package.json"),
  path.join(agentDir, "../../packages/protocol/src"),
  path.join(agentDir, "../../packages/protocol/package.json"),
  // the VyOS driver bundles the ownership rules the console's drift uses too (@dmvpn/render/vyos-ownership)
  path.join(agentDir, "../../packages/render/src"),
  path.join(agentDir, "../../packages/render/package.json"),
  // `--driver sim` (the e2e's agents) is bundled from @dmvpn/sim
  path.join(agentDir, "../../packages/sim/src"),
  path.join(agentDir, "../../packages/sim/package.json"),
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

export const agentVersion = JSON.parse(readFileSync(path.join(agentDir, "package.json"), "utf8")).version;

/** One self-contained file for node 20 (no node_modules on the router), as ESM (the bundle) or CJS (the SEA). */
export function agentBundleOptions({ format, outfile }) {
  return {
    entryPoints: [path.join(agentDir, "src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format,
    minify: true,
    legalComments: "none",
    define: {
      __AGENT_VERSION__: JSON.stringify(agentVersion),
      // ws would try to require its optional native add-ons; the agent does without them.
      "process.env.WS_NO_BUFFER_UTIL": '"1"',
      "process.env.WS_NO_UTF_8_VALIDATE": '"1"',
    },
    // ssh2 (the ios-ssh driver) tries its optional native add-ons inside try/catch and falls back to pure JS
    external: ["bufferutil", "utf-8-validate", "cpu-features", "*.node"],
  };
}
