#!/usr/bin/env node
// npm test: every test. Unit and integration (vitest, SQLite), then the browser tests (Playwright in Debian's
// Chromium against a production build), then the real-router lab when qemu is installed. Ends with one line
// "N passed, N failed" over all of them.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { ensureConsoleBuilt, ensureInstalled, root } from "./prepare.mjs";

const only = process.argv[2]; // optional: unit | integration | e2e | lab
const results = [];
const reports = path.join(root, "test-results");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

function step(name, cmd, args, count, env = {}) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  const counted = count();
  // A runner that failed before counting anything (a server that did not start) still counts as a failure.
  if (r.status !== 0 && counted.failed === 0) counted.failed = 1;
  results.push({ name, ok: r.status === 0, seconds: Math.round((Date.now() - started) / 1000), ...counted });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The first lines of a failure, without colour codes: CI logs are often read from the end, so the summary
// repeats what failed and why.
const firstLines = (message) =>
  stripVTControlCharacters(String(message ?? ""))
    .split("\n")
    .filter((l) => l.trim() && !/^\s*at /.test(l))
    .slice(0, 4)
    .join("\n      ");

function vitestCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 1, failures: [] };
  const j = JSON.parse(readFileSync(file, "utf8"));
  const failures = [];
  for (const f of j.testResults ?? []) {
    const name = path.relative(root, f.name);
    // a file that failed outside its tests (an import error, a failing beforeAll)
    if (f.status === "failed" && f.message) failures.push(`${name}: ${firstLines(f.message)}`);
    for (const t of f.assertionResults ?? [])
      if (t.status === "failed") failures.push(`${name} › ${t.fullName}: ${firstLines(t.failureMessages?.[0])}`);
  }
  return {
    passed: j.numPassedTests,
    failed: j.numFailedTests + (j.numTotalTests === 0 ? 1 : 0),
    skipped: j.numPendingTests + j.numTodoTests,
    failures,
  };
}

function playwrightCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 1, failures: [] };
  const report = JSON.parse(readFileSync(file, "utf8"));
  const failures = [];
  const walk = (suite, titles) => {
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        if (t.status === "unexpected" || t.status === "flaky") {
          const error = t.results?.find((r) => r.error)?.error?.message;
          failures.push(`${[...titles, spec.title].filter(Boolean).join(" › ")}: ${firstLines(error)}`);
        }
  };
  walk(report, []);
  const s = report.stats;
  return { passed: s.expected, failed: s.unexpected + s.flaky, skipped: s.skipped, failures };
}

ensureInstalled();
const vitest = path.join(root, "node_modules/.bin/vitest");
for (const project of ["unit", "integration"]) {
  if (only && only !== project) continue;
  const out = path.join(reports, `${project}.json`);
  step(
    `${project} tests`,
    vitest,
    ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
    () => vitestCounts(out),
  );
}

if (!only || only === "e2e") {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    console.error(
      `\nThe browser tests need Debian's Chromium at ${chromium} (apt-get install chromium), or CHROMIUM_PATH.`,
    );
    results.push({ name: "browser tests", ok: false, passed: 0, failed: 1, seconds: 0 });
  } else {
    ensureConsoleBuilt();
    const out = path.join(root, "e2e/test-results/results.json");
    rmSync(out, { force: true });
    step(
      "browser tests",
      "npx",
      ["playwright", "test", "-c", "e2e/playwright.config.ts"],
      () => playwrightCounts(out),
      // A free port, so a console already running here (npm start, another run) is never in the way.
      { CI: "true", E2E_PORT: process.env.E2E_PORT ?? String(await freePort()) },
    );
  }
}

// The lab (real FRR routers in a qemu VM, driven by the console through enrolled agents) runs wherever qemu is
// installed (.ci/run installs it); DMVPN_LAB=0 leaves it out of a local run.
if ((!only || only === "lab") && process.env.DMVPN_LAB !== "0") {
  const hasQemu = spawnSync("sh", ["-c", "command -v qemu-system-x86_64"]).status === 0;
  if (hasQemu || only === "lab") {
    const out = path.join(reports, "lab.json");
    step(
      "lab (real FRR in a VM)",
      "npm",
      [
        "run",
        "test:lab",
        "-w",
        "@dmvpn/lab",
        "--",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${out}`,
      ],
      () => vitestCounts(out),
    );
  } else {
    console.log(
      "\n=== lab: qemu-system-x86_64 is not installed; the lab runs where it is (see apps/lab/README.md) ===",
    );
  }
}

console.log("\n=== summary ===");
for (const r of results) {
  console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name}: ${r.passed} passed, ${r.failed} failed (${r.seconds}s)`);
  for (const f of r.failures ?? []) console.log(`  ✗ ${f}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) && failed === 0 ? 0 : 1);
