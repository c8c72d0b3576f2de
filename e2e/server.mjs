// Starts the production build on an empty, freshly migrated SQLite database for one Playwright run.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "dmvpn-e2e-"));
const env = {
  ...process.env,
  DATABASE_URL: `file:${path.join(dir, "e2e.db")}`,
  PORT: process.env.E2E_PORT ?? "3210",
  NODE_ENV: "production",
};
execFileSync(process.execPath, ["scripts/db.mjs", "migrate"], { cwd: root, env, stdio: "inherit" });
const server = spawn(process.execPath, [path.join(root, "apps/console/dist/server.js")], {
  cwd: root,
  env,
  stdio: "inherit",
});
const stop = () => {
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
server.on("exit", (code) => process.exit(code ?? 0));
