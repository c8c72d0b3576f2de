import { chmodSync, closeSync, mkdirSync, openSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root: data/ and prisma/ live here whichever workspace imports this module. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export type DatabaseTarget =
  | { provider: "sqlite"; url: string; file: string }
  | { provider: "postgresql"; url: string; schema: string | undefined };

/**
 * Reads DATABASE_URL once for the CLI, the console and the tests alike.
 * Unset means the embedded SQLite file data/dmvpn.db; `file:` URLs are SQLite; `postgres(ql)://` is PostgreSQL.
 */
export function resolveDatabase(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const raw = env.DATABASE_URL?.trim() || "file:./data/dmvpn.db";
  if (raw.startsWith("postgres://") || raw.startsWith("postgresql://")) {
    const schema = new URL(raw).searchParams.get("schema") ?? undefined;
    return { provider: "postgresql", url: raw, schema };
  }
  if (raw.startsWith("file:")) {
    const rel = raw.slice("file:".length);
    const file = path.isAbsolute(rel) ? rel : path.resolve(repoRoot, rel);
    createPrivateFile(file);
    return { provider: "sqlite", url: `file:${file}`, file };
  }
  throw new Error("DATABASE_URL must start with file:, postgres:// or postgresql://");
}

/**
 * The SQLite file holds password hashes and sealed keys: its folder is created 0700 and the file 0600 (an existing
 * file readable by others is narrowed to 0600). SQLite gives its journal and WAL files the database file's mode.
 */
function createPrivateFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, "a", 0o600));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}

/** Schema and migrations folder for each provider (PostgreSQL's are generated from the SQLite schema). */
export function prismaPaths(provider: DatabaseTarget["provider"]) {
  const dir = provider === "sqlite" ? path.join(repoRoot, "prisma") : path.join(repoRoot, "prisma/postgres");
  return { schema: path.join(dir, "schema.prisma"), migrations: path.join(dir, "migrations") };
}
