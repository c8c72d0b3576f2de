import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveDatabase } from "./database-url";
import { createPrismaClient } from "./index";

// The database holds password hashes, session and token hashes and sealed keys: no other local user may read it.
// Opened by real SQLite through the console's own client, under the usual umask 022.
let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "dmvpn-perms-"));
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("the SQLite database file's permissions", () => {
  it("creates the data folder 0700 and the database, its WAL and shared-memory files 0600", async () => {
    const file = path.join(dir, "data", "dmvpn.db");
    const db = createPrismaClient(resolveDatabase({ DATABASE_URL: `file:${file}` }));
    try {
      await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
      await db.$executeRawUnsafe("CREATE TABLE t (x TEXT)");
      await db.$executeRawUnsafe("INSERT INTO t VALUES ('secret')");
      expect(modeOf(path.join(dir, "data"))).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
    } finally {
      await db.$disconnect();
    }
  });

  it("narrows an existing world-readable database file to 0600", () => {
    const file = path.join(dir, "old.db");
    writeFileSync(file, "", { mode: 0o644 });
    resolveDatabase({ DATABASE_URL: `file:${file}` });
    expect(modeOf(file)).toBe(0o600);
  });
});
