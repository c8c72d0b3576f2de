import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@dmvpn/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, signedInAs } from "../../../test/caller";
import { hashApiToken } from "../services/api-tokens";
import { hashSessionToken } from "../services/auth";
import { appRouter, createCaller } from "./root";
import { type CookieJar, createContext } from "./trpc";

/**
 * The least each procedure needs. "session": any signed-in user, but not with an API token. A procedure missing
 * here fails the test: a new procedure must say who may call it.
 */
type Level = "public" | "viewer" | "operator" | "admin" | "session";
const LEVELS: Record<string, Level> = {
  "auth.status": "public",
  "auth.createFirstAdmin": "public",
  "auth.signIn": "public",
  "auth.signOut": "public",
  "auth.changePassword": "session",
  "users.list": "admin",
  "users.create": "admin",
  "users.update": "admin",
  "users.resetPassword": "admin",
  "users.unlock": "admin",
  "users.delete": "admin",
  "networks.list": "viewer",
  "networks.get": "viewer",
  "networks.create": "operator",
  "networks.update": "operator",
  "networks.delete": "operator",
  "networks.revealPsk": "admin",
  "networks.renumberingPlan": "operator",
  "networks.renumber": "operator",
  "sites.list": "viewer",
  "sites.tags": "viewer",
  "sites.states": "viewer",
  "sites.bulkTag": "operator",
  "sites.exportCsv": "viewer",
  "sites.get": "viewer",
  "sites.create": "operator",
  "sites.update": "operator",
  "sites.renderedConfig": "viewer",
  "sites.delete": "operator",
  "inventory.previewImport": "operator",
  "inventory.applyImport": "operator",
  "inventory.export": "viewer",
  "inventory.exportWithSecrets": "admin",
  "audit.list": "viewer",
  "audit.export": "viewer",
  "agents.forSite": "viewer",
  "agents.states": "viewer",
  "agents.createEnrollment": "operator",
  "agents.revokeEnrollment": "operator",
  "agents.revokeCredential": "admin",
  "deployments.preview": "operator",
  "deployments.create": "operator",
  "deployments.rollback": "operator",
  "deployments.markApplied": "operator",
  "deployments.list": "viewer",
  "deployments.get": "viewer",
  "deployments.revisions": "viewer",
  "deployments.revisionDiff": "viewer",
  "status.site": "viewer",
  "status.rows": "viewer",
  "diagnostics.ping": "operator",
  "diagnostics.show": "operator",
  "apiTokens.list": "session",
  "apiTokens.create": "session",
  "apiTokens.revoke": "session",
  "webhooks.list": "admin",
  "webhooks.create": "admin",
  "webhooks.update": "admin",
  "webhooks.delete": "admin",
  "webhooks.revealSecret": "admin",
  "webhooks.ping": "admin",
  "webhooks.deliveries": "admin",
  "webhooks.redeliver": "admin",
  "topology.graph": "viewer",
  "topology.live": "viewer",
  "topology.dashboard": "viewer",
  "demo.status": "viewer",
  "demo.load": "operator",
  "demo.remove": "operator",
  "demo.sendTraffic": "operator",
  "demo.simulateDrift": "operator",
};

type Who = "anonymous" | "viewer" | "operator" | "admin" | "read-token" | "read-write-token";
const WHO: Who[] = ["anonymous", "viewer", "operator", "admin", "read-token", "read-write-token"];
const RANK = { viewer: 0, operator: 1, admin: 2 } as const;

/** What the server must answer: allowed, or the auth error. Tokens belong to the admin, so only scope limits them. */
function expectedOutcome(level: Level, type: string, who: Who): "allowed" | "UNAUTHORIZED" | "FORBIDDEN" {
  if (level === "public") return "allowed";
  if (who === "anonymous") return "UNAUTHORIZED";
  const token = who.endsWith("-token");
  if (level === "session") return token ? "FORBIDDEN" : "allowed";
  const role = token ? "admin" : (who as keyof typeof RANK);
  if (RANK[role] < RANK[level]) return "FORBIDDEN";
  if (who === "read-token" && type !== "query") return "FORBIDDEN";
  return "allowed";
}

let db: PrismaClient;
let cleanup: () => Promise<void>;
const userIds = new Map<string, string>();
const tokens = new Map<Who, string>();

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
  const admin = await signedInAdmin(db);
  await signedInAs(db, admin, "viewer");
  await signedInAs(db, admin, "operator");
  for (const u of await db.user.findMany()) userIds.set(u.role, u.id);
  for (const scope of ["read", "read-write"] as const) {
    const token = `dmvpn_${randomBytes(32).toString("base64url")}`;
    await db.apiToken.create({
      data: {
        userId: userIds.get("admin") ?? "",
        name: scope,
        scope,
        tokenHash: hashApiToken(token),
        prefix: "dmvpn_x",
      },
    });
    tokens.set(`${scope}-token` as Who, token);
  }
});
afterAll(() => cleanup());

/** A fresh context per call: a procedure such as signOut must not spoil the next call's session. */
async function contextFor(who: Who) {
  let cookie: string | undefined;
  if (who === "viewer" || who === "operator" || who === "admin") {
    cookie = randomBytes(32).toString("base64url");
    await db.session.create({
      data: {
        id: hashSessionToken(cookie),
        userId: userIds.get(who) ?? "",
        expiresAt: new Date(Date.now() + 3600_000),
      },
    });
  }
  const jar: CookieJar = { get: () => cookie, set: () => {}, clear: () => {} };
  const token = tokens.get(who);
  return createContext({
    db,
    cookies: jar,
    userAgent: "role-walk",
    secure: false,
    authorization: token ? `Bearer ${token}` : null,
    sameOrigin: true,
  });
}

async function outcome(path: string, who: Who): Promise<string> {
  const caller = createCaller(await contextFor(who)) as unknown as Record<
    string,
    Record<string, (i: unknown) => unknown>
  >;
  const [router, name] = path.split(".") as [string, string];
  try {
    // No input (or an invalid one): role checks run before input parsing, and nothing gets written.
    const result = await caller[router]?.[name]?.(undefined);
    const iterator = (result as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator]?.();
    await iterator?.return?.();
    return "allowed";
  } catch (err) {
    const code = err instanceof TRPCError ? err.code : "ERROR";
    return code === "UNAUTHORIZED" || code === "FORBIDDEN" ? code : "allowed";
  }
}

describe("every procedure with every role", () => {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;

  it("has a declared level for every procedure, and no stale entries", () => {
    expect(Object.keys(procedures).sort()).toEqual(Object.keys(LEVELS).sort());
  });

  it("answers each caller as its level says", async () => {
    const rows: string[] = [];
    const wrong: string[] = [];
    for (const [path, proc] of Object.entries(procedures)) {
      const level = LEVELS[path];
      if (!level) continue;
      for (const who of WHO) {
        const want = expectedOutcome(level, proc._def.type, who);
        const got = await outcome(path, who);
        rows.push(`${path} ${who} ${got}`);
        if (got !== want) wrong.push(`${path} as ${who}: want ${want}, got ${got}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(rows.length).toBe(Object.keys(procedures).length * WHO.length);
  }, 120_000);
});
