// Bundles the agent into one self-contained ESM file for node 20 (no node_modules on the router). `--if-stale`
// (npm start) skips the build when the bundle is newer than the agent's sources.
import { build } from "esbuild";
import { agentBundleOptions, agentDist, isUpToDate } from "./sources.mjs";

if (process.argv.includes("--if-stale") && isUpToDate(`${agentDist}/dmvpn-agent.mjs`)) {
  console.log("dist/dmvpn-agent.mjs is up to date");
  process.exit(0);
}

await build({
  ...agentBundleOptions({ format: "esm", outfile: `${agentDist}/dmvpn-agent.mjs` }),
  banner: {
    // ssh2's bundled poly1305 (emscripten) reads __dirname/__filename, which ESM does not define
    js:
      "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" +
      " import { fileURLToPath as __fu } from 'node:url'; const __filename = __fu(import.meta.url);" +
      " const __dirname = __fu(new URL('.', import.meta.url));",
  },
});
console.log("built dist/dmvpn-agent.mjs");
