// Single executable (Node SEA, node 20): a CommonJS bundle (node 20 SEA cannot start from ESM) turned into a blob
// and injected with postject into a copy of this node binary.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";

const dist = new URL("../dist/", import.meta.url).pathname;
const work = `${dist}sea/`;
mkdirSync(work, { recursive: true });
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

await build({
  entryPoints: [new URL("../src/main.ts", import.meta.url).pathname],
  outfile: `${work}dmvpn-agent.cjs`,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  legalComments: "none",
  define: {
    __AGENT_VERSION__: JSON.stringify(pkg.version),
    // ws would try to require its optional native add-ons; the agent does without them.
    "process.env.WS_NO_BUFFER_UTIL": '"1"',
    "process.env.WS_NO_UTF_8_VALIDATE": '"1"',
  },
  external: ["bufferutil", "utf-8-validate"],
});

writeFileSync(
  `${work}sea-config.json`,
  JSON.stringify({
    main: `${work}dmvpn-agent.cjs`,
    output: `${work}sea-prep.blob`,
    disableExperimentalSEAWarning: true,
  }),
);
execFileSync(process.execPath, ["--experimental-sea-config", `${work}sea-config.json`], { stdio: "inherit" });

const exe = `${dist}dmvpn-agent-linux-x64`;
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
const postject = createRequire(import.meta.url).resolve("postject/dist/cli.js");
execFileSync(
  process.execPath,
  [
    postject,
    exe,
    "NODE_SEA_BLOB",
    `${work}sea-prep.blob`,
    "--sentinel-fuse",
    "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
  ],
  { stdio: "inherit" },
);
const version = execFileSync(exe, ["--version"]).toString().trim();
if (version !== pkg.version) throw new Error(`SEA binary printed ${version}, expected ${pkg.version}`);
console.log(`built dist/dmvpn-agent-linux-x64 (${version})`);
