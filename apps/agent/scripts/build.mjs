// Bundles the agent into one self-contained ESM file for node 20 (no node_modules on the router). `--if-stale`
// (npm start) skips the build when the bundle is newer than the agent's sources.
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { agentDist, isUpToDate } from "./sources.mjs";

if (process.argv.includes("--if-stale") && isUpToDate(`${agentDist}/dmvpn-agent.mjs`)) {
  console.log("dist/dmvpn-agent.mjs is up to date");
  process.exit(0);
}

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

await build({
  entryPoints: [new URL("../src/main.ts", import.meta.url).pathname],
  outfile: new URL("../dist/dmvpn-agent.mjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: true,
  legalComments: "none",
  define: {
    __AGENT_VERSION__: JSON.stringify(pkg.version),
    // ws would try to require its optional native add-ons; the agent does without them.
    "process.env.WS_NO_BUFFER_UTIL": '"1"',
    "process.env.WS_NO_UTF_8_VALIDATE": '"1"',
  },
  // ws's optional native helpers are not needed; keep the bundle pure JS.
  external: ["bufferutil", "utf-8-validate"],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
console.log("built dist/dmvpn-agent.mjs");
