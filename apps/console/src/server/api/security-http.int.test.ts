import { request } from "node:http";
import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { ADMIN, signedInAdmin, testClient } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { BODY_LIMITS } from "../http/body-limit";
import { LOCKOUT_AFTER, signInLimiter } from "../services/auth";

// Issue 11: each attack from the security review of a running console, over real HTTP, now failing.

let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let admin: ReturnType<typeof testClient>;

const NETWORK = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1 };
const LOOPBACK = ["127.0.0.1", "::ffff:127.0.0.1", "::1"];

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  admin = await signedInAdmin(db);
  for (const ip of LOOPBACK) signInLimiter.reset(ip);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.close();
  await cleanup();
});

const signIn = (email: string, password: string, headers: Record<string, string> = {}, url = server.url) =>
  fetch(`${url}/api/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ json: { email, password } }),
  });

const tokenFor = async (scope: "read" | "read-write") =>
  (await (await admin.api()).apiTokens.create({ name: scope, scope, expiresInDays: 1 })).token;

const rest = (path: string, token: string | null, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
  });

describe("M2: the sign-in limit per address uses the socket's peer, not X-Forwarded-For", () => {
  it("a client cannot reset its limit, nor charge a victim, by writing X-Forwarded-For", async () => {
    for (let i = 0; i < signInLimiter.maxFailures; i++) {
      // each try claims another address, as a client facing the console directly can
      const res = await signIn(`nobody${i}@example.net`, "wrong password!", { "x-forwarded-for": `198.51.100.${i}` });
      expect(res.status).toBe(401);
    }
    const next = await signIn("nobody@example.net", "wrong password!", { "x-forwarded-for": "203.0.113.250" });
    expect(next.status).toBe(429);
    const appended = await signIn("nobody@example.net", "x", { "x-forwarded-for": "203.0.113.9, 203.0.113.10" });
    expect(appended.status).toBe(429);
    // nobody else was charged: the claimed addresses have no failures
    expect(signInLimiter.retryAfterMs("198.51.100.0")).toBe(0);
    expect(signInLimiter.retryAfterMs("203.0.113.10")).toBe(0);
  });

  it("with TRUST_PROXY naming the proxy, the address the proxy appended counts, not what the client wrote", async () => {
    const proxied = await startApiServer(db, undefined, { trustedProxies: ["loopback"] });
    try {
      signInLimiter.reset("192.0.2.7");
      for (let i = 0; i < signInLimiter.maxFailures; i++) {
        // the client wrote its own entry; the proxy (loopback here) appended the real peer 192.0.2.7
        const spoofed = `198.51.100.${i}, 192.0.2.7`;
        expect((await signIn("nobody@example.net", "wrong", { "x-forwarded-for": spoofed }, proxied.url)).status).toBe(
          401,
        );
      }
      const next = await signIn("nobody@example.net", "wrong", { "x-forwarded-for": "192.0.2.7" }, proxied.url);
      expect(next.status).toBe(429);
      expect(signInLimiter.retryAfterMs("198.51.100.0")).toBe(0);
      for (const ip of LOOPBACK) expect(signInLimiter.retryAfterMs(ip)).toBe(0);
    } finally {
      signInLimiter.reset("192.0.2.7");
      await proxied.close();
    }
  });
});

/**
 * POSTs `total` bytes chunked (no Content-Length) at the pace the server reads them; resolves once the socket
 * closes, with the reply's status and how many bytes the server took before it cut the upload off.
 */
function streamUpload(path: string, total: number, headers: Record<string, string> = {}) {
  return new Promise<{ status: number | null; written: number; completed: boolean }>((resolve) => {
    const req = request(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    let status: number | null = null;
    let completed = false;
    req.on("response", (res) => {
      status = res.statusCode ?? null;
      res.resume();
    });
    req.on("error", () => {});
    req.on("close", () => resolve({ status, written, completed }));
    const pump = () => {
      while (written < total) {
        if (req.destroyed || status !== null) return;
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      completed = true;
      req.end();
    };
    pump();
  });
}

describe("M3: request bodies are limited while they stream in", () => {
  const THIRTY_MB = 30 * 1024 * 1024;
  /** what the sockets' buffers can hold beyond what the server read (loopback buffers are a few MiB) */
  const SOCKET_SLACK = 8 * 1024 * 1024;

  it("cuts an unauthenticated 30 MB chunked upload to enrol and sign-in off after the small limit", async () => {
    for (const path of ["/api/agent/enroll", "/api/trpc/auth.signIn"]) {
      const r = await streamUpload(path, THIRTY_MB);
      expect({ path, status: r.status, completed: r.completed }).toEqual({ path, status: 413, completed: false });
      expect(r.written).toBeLessThan(BODY_LIMITS.unauthenticated + SOCKET_SLACK);
    }
  });

  it("refuses a REST body without a valid credential before reading it", async () => {
    for (const headers of [{}, { authorization: "Bearer dmvpn_not-a-real-token" }] as Record<string, string>[]) {
      const r = await streamUpload("/api/v1/inventory/preview", THIRTY_MB, headers);
      expect({ status: r.status, completed: r.completed }).toEqual({ status: 401, completed: false });
      expect(r.written).toBeLessThan(SOCKET_SLACK);
    }
  });

  it("cuts an authenticated upload off at the import limit, and accepts one within it", async () => {
    const token = await tokenFor("read-write");
    const r = await streamUpload("/api/v1/inventory/preview", THIRTY_MB, { authorization: `Bearer ${token}` });
    expect({ status: r.status, completed: r.completed }).toEqual({ status: 413, completed: false });
    expect(r.written).toBeLessThan(BODY_LIMITS.authenticated + SOCKET_SLACK);
    const ok = await rest("/inventory/preview", token, {
      method: "POST",
      body: JSON.stringify({ format: "yaml", text: "networks: []\n" }),
    });
    expect(ok.status).toBe(200);
  });

  it("refuses a declared Content-Length above the limit without reading", async () => {
    const res = await fetch(`${server.url}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(BODY_LIMITS.unauthenticated + 1),
    });
    expect(res.status).toBe(413);
    // tRPC itself is limited too: a signed-in caller gets the authenticated limit, not an unlimited read
    const cookie = `dmvpn_session=${admin.cookies.get("dmvpn_session")}`;
    const r = await streamUpload("/api/trpc/networks.create", THIRTY_MB, { cookie });
    expect({ status: r.status, completed: r.completed }).toEqual({ status: 413, completed: false });
  });
});

describe("L4: the lock-out does not tell which accounts exist", () => {
  it("answers a locked account exactly as an unknown one, and as slowly", async () => {
    for (let i = 0; i < LOCKOUT_AFTER; i++) expect((await signIn(ADMIN.email, "wrong password!")).status).toBe(401);
    expect((await db.user.findUniqueOrThrow({ where: { email: ADMIN.email } })).lockedUntil).not.toBeNull();
    const timed = async (email: string, password: string) => {
      const start = performance.now();
      const res = await signIn(email, password);
      return { status: res.status, body: await res.json(), ms: performance.now() - start };
    };
    const locked = [];
    const unknown = [];
    for (let i = 0; i < 3; i++) {
      locked.push(await timed(ADMIN.email, ADMIN.password));
      unknown.push(await timed("nobody@example.net", ADMIN.password));
    }
    expect(locked[0]?.status).toBe(401);
    expect(locked.map(({ status, body }) => ({ status, body }))).toEqual(
      unknown.map(({ status, body }) => ({ status, body })),
    );
    // both verify a password (argon2id); a locked account used to answer at once
    const median = (xs: { ms: number }[]) => xs.map((x) => x.ms).sort((a, b) => a - b)[1] ?? 0;
    expect(median(locked)).toBeGreaterThan(median(unknown) * 0.5);
  });
});

describe("L5 and L6: responses with secrets", () => {
  async function siteWithKey() {
    const api = await admin.api();
    const networkId = (await api.networks.create(NETWORK)).id;
    const site = {
      name: "hub1",
      role: "hub",
      platform: "vyos-1.5",
      wanInterface: "eth0",
      publicAddress: "203.0.113.1",
    };
    await api.sites.create({ networkId, site } as never);
    return { networkId, siteId: (await db.site.findFirstOrThrow()).id };
  }

  it("marks every response that carries a secret Cache-Control: no-store", async () => {
    const { networkId, siteId } = await siteWithKey();
    const token = await tokenFor("read-write");
    const responses = {
      revealPsk: await rest(`/networks/${networkId}/reveal-psk`, token, { method: "POST", body: "{}" }),
      configWithSecrets: await rest(`/sites/${siteId}/config?includeSecrets=true`, token),
      exportWithSecrets: await rest("/inventory/export-with-secrets", token, { method: "POST", body: "{}" }),
      enrollment: await rest(`/sites/${siteId}/enrollment`, token, {
        method: "POST",
        body: JSON.stringify({ origin: "http://c:3000" }),
      }),
    };
    const cookie = `dmvpn_session=${admin.cookies.get("dmvpn_session")}`;
    const trpc = (path: string, input: unknown) =>
      fetch(`${server.url}/api/trpc/${path}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ json: input }),
      });
    // A receiver this offline test can resolve: loopback, which WEBHOOK_ALLOW_PRIVATE allows.
    vi.stubEnv("WEBHOOK_ALLOW_PRIVATE", "true");
    const more = {
      apiToken: await trpc("apiTokens.create", { name: "x", scope: "read", expiresInDays: 1 }),
      webhook: await trpc("webhooks.create", {
        name: "w",
        url: "https://127.0.0.1:9/x",
        events: ["site.offline"],
      }),
      revealPskTrpc: await trpc("networks.revealPsk", { id: networkId }),
    };
    const enrol = await fetch(`${server.url}/api/agent/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        token: (await responses.enrollment.clone().json()).token,
        hostname: "hub1",
        platform: "sim",
        agentVersion: "1.0.0",
      }),
    });
    const got = Object.fromEntries(
      Object.entries({ ...responses, ...more, enrol }).map(([k, r]) => [
        k,
        `${r.status} ${r.headers.get("cache-control")}`,
      ]),
    );
    expect(got).toEqual({
      revealPsk: "200 no-store",
      configWithSecrets: "200 no-store",
      exportWithSecrets: "200 no-store",
      enrollment: "200 no-store",
      apiToken: "200 no-store",
      webhook: "200 no-store",
      revealPskTrpc: "200 no-store",
      enrol: "200 no-store",
    });
  });

  it("one rule for secret reads: an admin's read-scope token gets no key from the config either", async () => {
    const { networkId, siteId } = await siteWithKey();
    const read = await tokenFor("read");
    expect((await rest(`/networks/${networkId}/reveal-psk`, read, { method: "POST", body: "{}" })).status).toBe(403);
    const config = await rest(`/sites/${siteId}/config?includeSecrets=true`, read);
    expect(config.status).toBe(403);
    expect((await config.json()).message).toMatch(/read-write API token/);
    expect((await rest(`/sites/${siteId}/config`, read)).status).toBe(200);
    const write = await tokenFor("read-write");
    expect(await (await rest(`/sites/${siteId}/config?includeSecrets=true`, write)).json()).toMatchObject({
      ok: true,
      secretsIncluded: true,
    });
  });
});

describe("import preview and tokens", () => {
  it("answers a YAML alias bomb with its issue (preview) and 400 (import), not a 500", async () => {
    const token = await tokenFor("read-write");
    // nine levels of nine aliases: 9^9 values once expanded
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) {
      const [p, n] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      levels.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(", ")}]`);
    }
    const body = JSON.stringify({ format: "yaml", text: `${levels.join("\n")}\nnetworks: [*i]\n` });
    const preview = await rest("/inventory/preview", token, { method: "POST", body });
    expect(preview.status).toBe(200);
    expect((await preview.json()).issues).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/aliases expand too far/) }),
    ]);
    const applied = await rest("/inventory/import", token, { method: "POST", body });
    expect(applied.status).toBe(400);
    expect(JSON.stringify(await applied.json())).toMatch(/aliases expand too far/);
  });

  it("a disabled user's API tokens stay dead when the user is enabled again", async () => {
    const api = await admin.api();
    const user = await api.users.create({
      email: "ops@example.net",
      name: "ops",
      password: "password-for-ops",
      role: "operator",
    });
    const other = testClient(db);
    await (await other.api()).auth.signIn({ email: "ops@example.net", password: "password-for-ops" });
    const token = (await (await other.api()).apiTokens.create({ name: "ci", scope: "read", expiresInDays: 1 })).token;
    expect((await rest("/networks", token)).status).toBe(200);
    await api.users.update({ id: user.id, disabled: true });
    expect((await rest("/networks", token)).status).toBe(401);
    await api.users.update({ id: user.id, disabled: false });
    expect((await rest("/networks", token)).status).toBe(401);
    expect((await db.apiToken.findFirstOrThrow({ where: { userId: user.id } })).revokedAt).not.toBeNull();
  });
});
