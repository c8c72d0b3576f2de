import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { ADMIN, signedInAdmin, signedInAs, type testClient } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { LOCKOUT_AFTER } from "../services/auth";
import { SEALED_PREFIX } from "../services/secrets";
import { deliverDueWebhooks, signWebhookPayload } from "../services/webhooks";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let admin: ReturnType<typeof testClient>;

const NETWORK = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1 };

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  admin = await signedInAdmin(db);
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

const rest = (path: string, token: string | null, init: RequestInit = {}) =>
  fetch(`${server.url}/api/v1${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
  });

async function tokenFor(client: ReturnType<typeof testClient>, scope: "read" | "read-write", expiresInDays = 30) {
  return (await (await client.api()).apiTokens.create({ name: `${scope} token`, scope, expiresInDays })).token;
}

describe("API tokens over HTTP", () => {
  it("lives through create, use (last-used), scope refusal, revoke and expiry", async () => {
    const api = await admin.api();
    const read = await api.apiTokens.create({ name: "ci", scope: "read", expiresInDays: 30 });
    expect(read.token).toMatch(/^dmvpn_[A-Za-z0-9_-]{43}$/);
    const stored = await db.apiToken.findUniqueOrThrow({ where: { id: read.id } });
    expect(stored.tokenHash).not.toContain(read.token);
    expect(JSON.stringify(stored)).not.toContain(read.token);
    expect(stored.lastUsedAt).toBeNull();

    const list = await rest("/networks", read.token);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([]);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: read.id } })).lastUsedAt).not.toBeNull();

    const refused = await rest("/networks", read.token, { method: "POST", body: JSON.stringify(NETWORK) });
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toMatch(/read-only/);
    expect(await db.network.count()).toBe(0);

    const write = await tokenFor(admin, "read-write");
    const created = await rest("/networks", write, { method: "POST", body: JSON.stringify(NETWORK) });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "network.create" } });
    expect(audit).toMatchObject({ actorType: "token", actorName: expect.stringContaining(ADMIN.email) });

    // The key is sealed at rest and leaves only through the admin's explicit, audited read.
    expect((await db.network.findUniqueOrThrow({ where: { id } })).ipsecPsk.startsWith(SEALED_PREFIX)).toBe(true);
    const got = await (await rest(`/networks/${id}`, read.token)).json();
    expect(got).not.toHaveProperty("ipsecPsk");
    const psk = await rest(`/networks/${id}/reveal-psk`, write, { method: "POST", body: "{}" });
    expect(psk.status).toBe(200);
    expect((await psk.json()).ipsecPsk).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await db.auditEvent.count({ where: { action: "network.reveal-psk", actorType: "token" } })).toBe(1);

    await api.apiTokens.revoke({ id: read.id });
    const revoked = await rest("/networks", read.token);
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).message).toMatch(/unknown, expired or revoked/);

    const old = await tokenFor(admin, "read", 1);
    await db.apiToken.updateMany({ where: { name: "read token" }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await rest("/networks", old)).status).toBe(401);
    expect((await rest("/networks", "dmvpn_not-a-real-token")).status).toBe(401);
    expect((await rest("/networks", null)).status).toBe(401);

    // Tokens cannot mint tokens, and the token never reaches the audit log.
    const mint = await fetch(`${server.url}/api/trpc/apiTokens.create`, {
      method: "POST",
      headers: { authorization: `Bearer ${write}`, "content-type": "application/json" },
      body: JSON.stringify({ json: { name: "x", scope: "read", expiresInDays: 1 } }),
    });
    expect(mint.status).toBe(403);
    const log = JSON.stringify(await db.auditEvent.findMany());
    expect(log).not.toContain(read.token);
    expect(log).not.toContain(write);
  });

  it("applies each role to REST routes", async () => {
    const networkId = (await (await admin.api()).networks.create(NETWORK)).id;
    const tokens = {
      viewer: await tokenFor(await signedInAs(db, admin, "viewer"), "read-write"),
      operator: await tokenFor(await signedInAs(db, admin, "operator"), "read-write"),
      admin: await tokenFor(admin, "read-write"),
    };
    const site = {
      networkId,
      site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
    };
    const expected = {
      viewer: { list: 200, createSite: 403, reveal: 403, audit: 200 },
      operator: { list: 200, createSite: 200, reveal: 403, audit: 200 },
      admin: { list: 200, createSite: 200, reveal: 200, audit: 200 },
    };
    for (const [role, token] of Object.entries(tokens) as [keyof typeof tokens, string][]) {
      await db.site.deleteMany();
      const got = {
        list: (await rest("/sites?page=1", token)).status,
        createSite: (await rest("/sites", token, { method: "POST", body: JSON.stringify(site) })).status,
        reveal: (await rest(`/networks/${networkId}/reveal-psk`, token, { method: "POST", body: "{}" })).status,
        audit: (await rest("/audit?action=network", token)).status,
      };
      expect({ role, ...got }).toEqual({ role, ...expected[role] });
    }
    const config = await rest(`/sites/${(await db.site.findFirstOrThrow()).id}/config`, tokens.viewer);
    expect(config.status).toBe(200);
    expect(await config.json()).toMatchObject({ ok: true, target: "vyos-1.5" });
    const yaml = await rest("/inventory/export", tokens.viewer);
    expect(await yaml.json()).toContain("name: corp");
    const topology = await (await rest("/topology", tokens.viewer)).json();
    // no agent enrolled: config-managed, not "never reported"
    expect(topology.nodes).toEqual([
      expect.objectContaining({ name: "hub1", role: "hub", freshness: "config-managed" }),
    ]);
    expect(topology.edges).toEqual([]);
    const siteId = (await db.site.findFirstOrThrow()).id;
    const enroll = (token: string) =>
      rest(`/sites/${siteId}/enrollment`, token, { method: "POST", body: JSON.stringify({ origin: "http://c:3000" }) });
    expect((await enroll(tokens.viewer)).status).toBe(403);
    const enrolment = await enroll(tokens.operator);
    expect(enrolment.status).toBe(200);
    expect(await enrolment.json()).toMatchObject({ command: expect.stringContaining("http://c:3000") });
    const ping = await rest(`/sites/${siteId}/diagnostics/ping`, tokens.operator, {
      method: "POST",
      body: JSON.stringify({ target: "10.0.0.1" }),
    });
    expect(ping.status).toBe(409);
    expect((await ping.json()).message).toMatch(/site hub1: its agent is not connected/);
  });

  it("serves the OpenAPI document with every REST route and the bearer scheme", async () => {
    const doc = await (await fetch(`${server.url}/api/openapi.json`)).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/networks",
        "/networks/{id}",
        "/sites",
        "/sites/{id}/config",
        "/inventory/export",
        "/audit",
        "/topology",
        "/sites/{siteId}/enrollment",
        "/sites/{siteId}/diagnostics/ping",
        "/sites/{siteId}/diagnostics/show",
      ]),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });
});

describe("browser protections", () => {
  it("refuses a cookie-authenticated mutation from another site, accepts one from the console", async () => {
    const cookie = `dmvpn_session=${admin.cookies.get("dmvpn_session")}`;
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/trpc/networks.create`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", ...headers },
        body: JSON.stringify({ json: NETWORK }),
      });
    expect((await post({ origin: "https://evil.example", "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect(await db.network.count()).toBe(0);
    expect((await post({ "sec-fetch-site": "same-origin", origin: server.url })).status).toBe(200);
    expect(await db.network.count()).toBe(1);
  });

  it("locks an account after repeated wrong passwords, even for the right one", async () => {
    const signIn = (password: string) =>
      fetch(`${server.url}/api/trpc/auth.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { email: ADMIN.email, password } }),
      });
    for (let i = 0; i < LOCKOUT_AFTER; i++) expect((await signIn("wrong password!")).status).toBe(401);
    // locked: even the right password is refused, with the same answer an unknown account gets
    const locked = await signIn(ADMIN.password);
    expect(locked.status).toBe(401);
    expect(JSON.stringify(await locked.json())).toMatch(/email or password is wrong/);
    const user = await db.user.findUniqueOrThrow({ where: { email: ADMIN.email } });
    expect(user.failedLogins).toBe(LOCKOUT_AFTER);
    expect(user.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    await db.user.update({ where: { id: user.id }, data: { lockedUntil: null } });
    expect((await signIn(ADMIN.password)).status).toBe(200);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).failedLogins).toBe(0);
  });
});

describe("webhooks", () => {
  // The receivers here listen on loopback, which webhooks may target only when private targets are allowed.
  beforeEach(() => void vi.stubEnv("WEBHOOK_ALLOW_PRIVATE", "true"));
  afterEach(() => void vi.unstubAllEnvs());

  async function receiver(failFirst: number) {
    const got: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let calls = 0;
    const srv = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        calls++;
        got.push({ headers: req.headers, body });
        res.writeHead(calls <= failFirst ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`, got, close: () => srv.close() };
  }

  it("delivers a bus event signed with HMAC-SHA256 and retries after a failing receiver", async () => {
    const hook = await receiver(1);
    const api = await admin.api();
    const created = await api.webhooks.create({
      name: "ops",
      url: hook.url,
      events: ["site.offline", "deployment.failed"],
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect((await db.webhook.findUniqueOrThrow({ where: { id: created.id } })).secret.startsWith(SEALED_PREFIX)).toBe(
      true,
    );

    const { startWebhookWorker } = await import("../services/webhooks");
    const stop = startWebhookWorker(db, server.bus, { baseDelayMs: 50, intervalMs: 25 });
    try {
      server.bus.publish({ type: "agent.online", siteId: "s1", networkId: "n1", at: new Date().toISOString() });
      server.bus.publish({ type: "agent.offline", siteId: "s1", networkId: "n1", at: new Date().toISOString() });
      await expect
        .poll(() => db.webhookDelivery.findFirst({ where: { status: "delivered" } }), { timeout: 5000 })
        .toBeTruthy();
    } finally {
      stop();
    }
    const deliveries = await db.webhookDelivery.findMany();
    expect(deliveries).toHaveLength(1); // online is not subscribed
    expect(deliveries[0]).toMatchObject({
      event: "site.offline",
      attempts: 2,
      status: "delivered",
      responseStatus: 204,
    });
    expect(hook.got).toHaveLength(2);
    for (const { headers, body } of hook.got) {
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers["x-dmvpn-signature"])) ?? [];
      expect(v1).toBe(signWebhookPayload(created.secret, Number(t), body));
      expect(JSON.parse(body)).toMatchObject({ event: "site.offline", data: { siteId: "s1" } });
    }
    expect((await api.webhooks.deliveries({})).rows[0]).toMatchObject({ webhookName: "ops", status: "delivered" });
    hook.close();
  });

  it("gives up after the last attempt and logs the error", async () => {
    const hook = await receiver(100);
    const api = await admin.api();
    await api.webhooks.create({ name: "down", url: hook.url, events: ["deployment.failed"] });
    server.bus.publish({
      type: "deployment.finished",
      deploymentId: "d1",
      status: "failed",
      at: new Date().toISOString(),
    });
    const { enqueueWebhookEvent, MAX_ATTEMPTS } = await import("../services/webhooks");
    await enqueueWebhookEvent(db, "deployment.failed", { deploymentId: "d1" });
    let clock = Date.now();
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await deliverDueWebhooks(db, { baseDelayMs: 1, now: () => new Date(clock) });
      clock += 10_000;
    }
    const d = await db.webhookDelivery.findFirstOrThrow();
    expect(d).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, responseStatus: 500 });
    expect(d.lastError).toMatch(/HTTP 500/);
    hook.close();
  });
});
