/// <reference path="./db.ts" />
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

/**
 * Migrates one template database with the committed migrations (the same command `npm start` runs), so every
 * integration test file starts from a copy of the real schema. TEST_DATABASE_URL=postgresql://… switches the
 * suite to PostgreSQL (npm run test:postgres).
 */
export default function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, "..");
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (pgUrl) {
    // one template per run: several runs on one server (developers, CI jobs) must not drop each other's
    const template = `dmvpn_test_template_${process.pid}`;
    const admin = new URL(pgUrl);
    const psql = (sql: string) =>
      execFileSync("psql", [admin.toString(), "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: "pipe" });
    psql(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    psql(`CREATE DATABASE ${template}`);
    const url = new URL(pgUrl);
    url.pathname = `/${template}`;
    execFileSync(process.execPath, ["scripts/db.mjs", "migrate"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url.toString() },
      stdio: "inherit",
    });
    project.provide("testDatabase", { provider: "postgresql", template, adminUrl: pgUrl });
    return () => psql(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "dmvpn-test-"));
  const file = path.join(dir, "template.db");
  execFileSync(process.execPath, ["scripts/db.mjs", "migrate"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `file:${file}` },
    stdio: "pipe",
  });
  project.provide("testDatabase", { provider: "sqlite", template: file, adminUrl: "" });
  return () => rmSync(dir, { recursive: true, force: true });
}
