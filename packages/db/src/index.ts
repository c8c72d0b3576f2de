import { createRequire } from "node:module";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type * as SqliteClient from "../generated/sqlite/index.js";
import { type DatabaseTarget, resolveDatabase } from "./database-url";

// The generated clients load Wasm from their own folder, so they are required at run time from where they
// were generated, never bundled (this package is compiled to dist/ and kept external to Next.js).
const require = createRequire(import.meta.url);
const sqliteClient: typeof SqliteClient = require("../generated/sqlite/index.js");
const postgresClient: typeof SqliteClient = require("../generated/postgres/index.js");

export const PrismaClient = sqliteClient.PrismaClient;
export type PrismaClient = SqliteClient.PrismaClient;
export type * from "../generated/sqlite/index.js";
export { type DatabaseTarget, prismaPaths, repoRoot, resolveDatabase } from "./database-url";

/** A client or an interactive transaction: services take either, so callers decide the transaction scope. */
export type Db = PrismaClient | SqliteClient.Prisma.TransactionClient;

/**
 * Both generated clients come from one schema and differ only in the datasource provider, so the PostgreSQL
 * client has the SQLite client's exact API; the cast states that, once, here.
 */
export function createPrismaClient(target: DatabaseTarget = resolveDatabase()): PrismaClient {
  if (target.provider === "sqlite") {
    const client = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: target.url }) });
    dialects.set(client, dialectOf("sqlite", undefined));
    // WAL: a commit appends to the log instead of rewriting pages through a rollback journal with fsyncs (about 1 ms
    // per autocommit write without it, 0.03 ms with), and readers no longer wait for the writer. The mode is stored
    // in the database file, so this converts an existing database once; it is the first query on the connection.
    // better-sqlite3 is built with synchronous=NORMAL as the WAL default: a power cut may lose the last commits,
    // never corrupt the file.
    client.$queryRawUnsafe("PRAGMA journal_mode = WAL").catch((e: unknown) => {
      console.warn(`SQLite: could not switch ${target.file} to WAL mode: ${(e as Error).message}`);
    });
    return client;
  }
  const adapter = new PrismaPg({ connectionString: target.url }, target.schema ? { schema: target.schema } : undefined);
  const client = new postgresClient.PrismaClient({ adapter });
  dialects.set(client, dialectOf("postgresql", target.schema));
  return client;
}

/**
 * What raw SQL needs to know about a client's database, for the few hot writes that Prisma's per-query cost makes
 * too slow (a multi-row upsert instead of hundreds of upserts): the placeholders, and the table's name with the
 * schema Prisma's own queries use (raw SQL would otherwise go by the connection's search path).
 */
export interface SqlDialect {
  provider: "sqlite" | "postgresql";
  /** the i-th (0-based) parameter: `?` on SQLite, `$i+1` on PostgreSQL */
  param(i: number): string;
  /** a model's table, quoted (and schema-qualified on PostgreSQL with ?schema=) */
  table(model: string): string;
}

const dialects = new WeakMap<object, SqlDialect>();

function dialectOf(provider: SqlDialect["provider"], schema: string | undefined): SqlDialect {
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return {
    provider,
    param: provider === "sqlite" ? () => "?" : (i) => `$${i + 1}`,
    table: (model) => (schema ? `${quote(schema)}.${quote(model)}` : quote(model)),
  };
}

/** The dialect of a client made by createPrismaClient (others: by the provider Prisma reports, no schema). */
export function sqlDialect(db: Db): SqlDialect {
  const known = dialects.get(db);
  if (known) return known;
  const provider = (db as unknown as { _activeProvider?: string })._activeProvider;
  return dialectOf(provider === "postgresql" ? "postgresql" : "sqlite", undefined);
}

const holder = globalThis as unknown as { __dmvpnPrisma?: PrismaClient };

/** The process-wide client (kept on globalThis so Next's module reloading does not open a new pool). */
export function getDb(): PrismaClient {
  holder.__dmvpnPrisma ??= createPrismaClient();
  return holder.__dmvpnPrisma;
}

/**
 * Disconnects, giving up after `ms`: PrismaPg's `$disconnect` never returns while a transaction is cut off
 * mid-way (its pool waits for a connection nobody releases). True when the client did disconnect.
 */
export function disconnectWithin(db: PrismaClient, ms: number): Promise<boolean> {
  return Promise.race([
    db.$disconnect().then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
  ]);
}
