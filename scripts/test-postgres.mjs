#!/usr/bin/env node
// npm run test:postgres: the integration suite against PostgreSQL. TEST_DATABASE_URL points at a server where
// the user may create databases. Only the database-backed tests (apps/console) run: the others do not touch it (default: the local trust-auth server CI has). Each test file gets its own
// database made from a migrated template.
import { spawnSync } from "node:child_process";
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
const r = spawnSync(path.join(root, "node_modules/.bin/vitest"), ["run", "--project", "integration", "apps/console"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url },
});
process.exit(r.status ?? 1);
