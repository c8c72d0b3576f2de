#!/usr/bin/env node
// A Debian root (default: 13 "trixie") with FRR 10 and strongSwan 6, for tests that need versions newer than the
// host's. Built once and cached outside the repository; rebuilt only when the suite or the package list changes.
//   node scripts/debian-root.mjs [package ...]   build if needed, print the root's absolute path
//   import { ensureDebianRoot } from "./scripts/debian-root.mjs"
// Environment: DMVPN_DEBIAN_ROOT (cache path, default /var/cache/dmvpn/debian-<suite>-root),
//              DMVPN_DEBIAN_MIRROR (default: the Debian mirror the host's apt sources use).
// Needs root (debootstrap, chroot, mount) and apt access to the mirror.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const DEFAULT_PACKAGES = Object.freeze([
  "frr",
  "frr-pythontools",
  "strongswan-charon",
  "strongswan-swanctl",
  "iproute2",
  "iptables",
  "iputils-ping",
  "tcpdump",
]);

// Inside the root, so the stamp is renamed into place together with the tree it describes.
const STAMP = "etc/dmvpn-debian-root.json";
const LOCK_STALE_MS = 30 * 60_000;

export function defaultRootPath(suite = "trixie") {
  return path.resolve(process.env.DMVPN_DEBIAN_ROOT || `/var/cache/dmvpn/debian-${suite}-root`);
}

/** The first non-security Debian archive URI in the host's apt sources (deb822 .sources files, then sources.list). */
export function hostMirror() {
  if (process.env.DMVPN_DEBIAN_MIRROR) return process.env.DMVPN_DEBIAN_MIRROR;
  const uris = [];
  const dir = "/etc/apt/sources.list.d";
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".sources") || f.endsWith(".list"))
        .map((f) => path.join(dir, f))
    : [];
  for (const file of ["/etc/apt/sources.list", ...files]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const deb822 = line.match(/^URIs:\s*(.+)$/i);
      if (deb822) uris.push(...deb822[1].trim().split(/\s+/));
      const oneLine = line.match(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/);
      if (oneLine) uris.push(oneLine[1]);
    }
  }
  const mirror = uris.find((u) => /^https?:/.test(u) && !/security/.test(u) && /\/debian\/?$/.test(u));
  if (!mirror) throw new Error("debian-root: no Debian mirror in the host's apt sources; set DMVPN_DEBIAN_MIRROR");
  return mirror;
}

function stampOf(suite, packages) {
  return { suite, packages: [...new Set(packages)].sort() };
}

function readStamp(root) {
  try {
    return JSON.parse(readFileSync(path.join(root, STAMP), "utf8"));
  } catch {
    return undefined;
  }
}

function upToDate(root, want) {
  const have = readStamp(root);
  return have !== undefined && JSON.stringify(stampOf(have.suite, have.packages ?? [])) === JSON.stringify(want);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

// mkdir is atomic, so it is the lock; the owner's pid inside lets a waiter take over from a process that died.
async function withLock(lockDir, fn) {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      let pid;
      try {
        pid = Number(readFileSync(path.join(lockDir, "pid"), "utf8"));
      } catch {}
      let age = 0;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {}
      if ((pid && !pidAlive(pid)) || (!pid && age > 10_000) || age > LOCK_STALE_MS) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      await sleep(1000);
    }
  }
  writeFileSync(path.join(lockDir, "pid"), String(process.pid));
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function run(cmd, args, log) {
  log(`debian-root: ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, {
    // stdout is the CLI's answer (the path), so the tools' chatter goes to stderr.
    stdio: ["ignore", 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
  });
}

function build(tmp, suite, packages, mirror, log) {
  rmSync(tmp, { recursive: true, force: true });
  run("debootstrap", ["--variant=minbase", suite, tmp, mirror], log);
  // No daemon may start inside the chroot while packages install (the tests start them themselves).
  writeFileSync(path.join(tmp, "usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  writeFileSync(path.join(tmp, "etc/resolv.conf"), readFileSync("/etc/resolv.conf"));
  const proc = path.join(tmp, "proc");
  run("mount", ["-t", "proc", "proc", proc], log);
  try {
    run("chroot", [tmp, "apt-get", "update", "-qq"], log);
    run("chroot", [tmp, "apt-get", "install", "-y", "-qq", "--no-install-recommends", ...packages], log);
    run("chroot", [tmp, "apt-get", "clean"], log);
  } finally {
    try {
      execFileSync("umount", [proc]);
    } catch {
      execFileSync("umount", ["-l", proc]);
    }
  }
  writeFileSync(path.join(tmp, STAMP), `${JSON.stringify(stampOf(suite, packages), null, 2)}\n`);
}

/**
 * Returns the absolute path of a Debian `suite` root with `packages` installed, building it (about 2.5 minutes,
 * ~480 MB for the defaults) only when the cached one is missing or was built for another suite or package list.
 */
export async function ensureDebianRoot({ suite = "trixie", packages = DEFAULT_PACKAGES, log = console.error } = {}) {
  const root = defaultRootPath(suite);
  const want = stampOf(suite, packages);
  if (upToDate(root, want)) return root;
  mkdirSync(path.dirname(root), { recursive: true });
  return withLock(`${root}.lock`, () => {
    // Another process may have built it while this one waited for the lock.
    if (upToDate(root, want)) return root;
    const tmp = `${root}.tmp-${process.pid}`;
    const started = Date.now();
    try {
      build(tmp, suite, want.packages, hostMirror(), log);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    const old = `${root}.old-${process.pid}`;
    if (existsSync(root)) renameSync(root, old);
    renameSync(tmp, root);
    rmSync(old, { recursive: true, force: true });
    log(`debian-root: ${root} built in ${Math.round((Date.now() - started) / 1000)} s`);
    return root;
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packages = process.argv.slice(2);
  ensureDebianRoot(packages.length ? { packages } : {}).then(
    (root) => console.log(root),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
