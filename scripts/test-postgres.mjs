#!/usr/bin/env node
// npm run test:postgres: the integration suite against PostgreSQL (and Redis, for the multi-instance suite). TEST_DATABASE_URL points at a server where
// the user may create databases. Only the database-backed tests (apps/console) run: the others do not touch it (default: the local trust-auth server CI has). Each test file gets its own
// database made from a migrated template.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { ensureInstalled, root } from "./prepare.mjs";

const url = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const probe = spawnSync("psql", [url, "-qtAc", "select 1"], { encoding: "utf8" });
if (probe.status !== 0) {
  console.error(
    `PostgreSQL is not reachable at ${url.replace(/\/\/[^@]*@/, "//…@")}: ${(probe.stderr || probe.error?.message || "").trim()}`,
  );
  process.exit(1);
}
ensureInstalled();

// The multi-instance suite (*.pg.int.test.ts) shares work between console processes through Redis: the one at
// TEST_REDIS_URL (default: the local default port), else a throw-away redis-server started here (CI installs it).
let redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
let ownRedis = null;
const pong = (u) => spawnSync("redis-cli", ["-u", u, "ping"], { encoding: "utf8" }).stdout?.trim() === "PONG";
if (!pong(redisUrl)) {
  if (process.env.TEST_REDIS_URL) {
    console.error(`Redis is not reachable at TEST_REDIS_URL (${redisUrl.replace(/\/\/[^@]*@/, "//…@")})`);
    process.exit(1);
  }
  const port = 6390 + Math.floor(Math.random() * 500);
  ownRedis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  ownRedis.on("error", (e) => {
    console.error(`no Redis at ${redisUrl} and redis-server could not be started: ${e.message}`);
    process.exit(1);
  });
  redisUrl = `redis://127.0.0.1:${port}`;
  const end = Date.now() + 10_000;
  while (!pong(redisUrl)) {
    if (Date.now() > end) {
      console.error("redis-server did not answer within 10 s");
      ownRedis.kill();
      process.exit(1);
    }
    spawnSync("sleep", ["0.1"]);
  }
}
const r = spawnSync(path.join(root, "node_modules/.bin/vitest"), ["run", "--project", "integration", "apps/console"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url, TEST_REDIS_URL: redisUrl },
});
ownRedis?.kill();
process.exit(r.status ?? 1);
