// Single executable (Node SEA, node 20) for linux-x64, the VyOS path (VyOS ships no Node): a CommonJS bundle (node 20
// SEA cannot start from ESM) turned into a blob and injected with postject into a copy of this node binary. Offline
// (postject is a devDependency), a few seconds, and skipped when the executable is newer than the agent's sources.
// `--force` rebuilds anyway.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";
import { agentBundleOptions, agentDist, agentVersion, isUpToDate } from "./sources.mjs";

const exe = path.join(agentDist, "dmvpn-agent-linux-x64");
if (process.platform !== "linux" || process.arch !== "x64") {
  // The executable is a copy of this node binary: only a linux-x64 node can produce a linux-x64 one.
  console.log(`dist/dmvpn-agent-linux-x64 not built: this node is ${process.platform}-${process.arch}, not linux-x64`);
  process.exit(0);
}
if (!process.argv.includes("--force") && isUpToDate(exe)) {
  console.log("dist/dmvpn-agent-linux-x64 is up to date");
  process.exit(0);
}

// Per-process work files and an atomic rename at the end: builds started at once (parallel test files, turbo and
// npm start) never see or serve a half-written executable.
const work = path.join(agentDist, `sea-${process.pid}`);
mkdirSync(work, { recursive: true });
try {
  await build(agentBundleOptions({ format: "cjs", outfile: path.join(work, "dmvpn-agent.cjs") }));

  writeFileSync(
    path.join(work, "sea-config.json"),
    JSON.stringify({
      main: path.join(work, "dmvpn-agent.cjs"),
      output: path.join(work, "sea-prep.blob"),
      disableExperimentalSEAWarning: true,
    }),
  );
  execFileSync(process.execPath, ["--experimental-sea-config", path.join(work, "sea-config.json")], {
    stdio: "inherit",
  });

  const injected = path.join(work, "injected");
  copyFileSync(process.execPath, injected);
  const postject = createRequire(import.meta.url).resolve("postject/dist/cli.js");
  execFileSync(
    process.execPath,
    [
      postject,
      injected,
      "NODE_SEA_BLOB",
      path.join(work, "sea-prep.blob"),
      "--sentinel-fuse",
      "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
    ],
    // postject's ELF warnings about note sections are harmless and noisy
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  // postject writes the whole ~95 MB executable with one write(), and the page cache keeps such a file in large
  // folios (512 KiB on ext4 with Linux >= 6.16); Linux >= 6.18 maps a whole folio on the first touch of any of its
  // pages, so running that file made ~11 MB more of it resident (a timer-only executable: 45 MB file-backed RSS,
  // nearly all in 512 KiB folios by /proc/PID/pagemap + /proc/kpageflags; 30 MB once the file's cache was dropped or
  // the file copied). A fresh copy (copy_file_range: 64 KiB folios, like the installer's curl download or a read
  // after a reboot) runs with no more resident pages than node itself. Same bytes, new inode.
  const next = path.join(work, "dmvpn-agent-linux-x64");
  copyFileSync(injected, next);
  chmodSync(next, 0o755);
  const version = execFileSync(next, ["--version"]).toString().trim();
  if (version !== agentVersion) throw new Error(`SEA binary printed ${version}, expected ${agentVersion}`);
  renameSync(next, exe);
  console.log(`built dist/dmvpn-agent-linux-x64 (${version})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
