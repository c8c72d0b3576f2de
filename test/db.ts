import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPrismaClient, disconnectWithin, type PrismaClient } from "@dmvpn/db";
import { inject } from "vitest";

/** A fresh, migrated database of the suite's provider (copied from the template that global-setup made). */
export async function createTestDb(): Promise<{ db: PrismaClient; url: string; cleanup: () => Promise<void> }> {
  const target = inject("testDatabase");
  if (target.provider === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "dmvpn-db-"));
    const file = path.join(dir, "test.db");
    copyFileSync(target.template, file);
    const db = createPrismaClient({ provider: "sqlite", url: `file:${file}`, file });
    return {
      db,
      url: `file:${file}`,
      cleanup: async () => {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `dmvpn_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const psql = (sql: string) =>
    execFileSync("psql", [target.adminUrl, "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: "pipe" });
  psql(`CREATE DATABASE ${name} TEMPLATE ${target.template}`);
  const url = new URL(target.adminUrl);
  url.pathname = `/${name}`;
  const db = createPrismaClient({ provider: "postgresql", url: url.toString(), schema: undefined });
  return {
    db,
    url: url.toString(),
    cleanup: async () => {
      try {
        if (!(await disconnectWithin(db, 10_000)))
          throw new Error("the test left a database query running: something it started was not awaited");
      } finally {
        psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** set by test/global-setup.ts */
    testDatabase: { provider: "sqlite" | "postgresql"; template: string; adminUrl: string };
  }
}
