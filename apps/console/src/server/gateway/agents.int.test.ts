import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PrismaClient } from "@dmvpn/db";
import { EnrollRequest } from "@dmvpn/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { type ConsoleEvent, createInMemoryBus } from "../bus";
import { setRuntime } from "../runtime";
import { systemActor } from "../services/actor";
import { createEnrollmentToken, enrollAgent } from "../services/enrollment";
import { loadStoredStatus } from "../services/site-status";
import { type AgentServices, attachAgentUpgrades, startAgentServices } from "./index";

const AGENT_DIR = join(import.meta.dirname, "../../../../agent");
const BUNDLE = join(AGENT_DIR, "dist", "dmvpn-agent.mjs");
const run = promisify(execFile);

let db: PrismaClient;
let cleanupDb: () => Promise<void>;
let api: Awaited<ReturnType<Awaited<ReturnType<typeof signedInAdmin>>["api"]>>;
const bus = createInMemoryBus();
const events: ConsoleEvent[] = [];
bus.subscribe((e) => void events.push(e));
let services: AgentServices;
let server: Server;
let port = 0;
let dir: string;
let configPath: string;
let agent: ChildProcess | null = null;
let agentLog = "";
let hubId: string;
let spokeId: string;

/** The console's HTTP side for agents: the enrol endpoint (same validation as the route) and the WebSocket. */
async function startConsole(consoleDb: PrismaClient = db) {
  services = await startAgentServices({
    db: consoleDb,
    bus,
    heartbeatSeconds: 1,
    connectWaitMs: 10_000,
    confirmMarginMs: 2000,
    log: () => {},
  });
  // as server.ts does: routers reach the gateway and the runner through the runtime
  setRuntime({ db, bus, gateway: services.gateway, deployments: services.deployments });
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const parsed = EnrollRequest.safeParse(JSON.parse(Buffer.concat(chunks).toString() || "null"));
    if (req.url !== "/api/agent/enroll" || !parsed.success) return void res.writeHead(400).end("{}");
    try {
      const body = await enrollAgent(db, parsed.data, `ws://127.0.0.1:${port}/api/agent/ws`);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    } catch (e) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: (e as Error).message }));
    }
  });
  attachAgentUpgrades(server, services.gateway);
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
}

async function stopConsole() {
  await services.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

function startAgent() {
  const child = spawn(process.execPath, [BUNDLE, "run", "--config", configPath], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    agentLog += d;
  });
  agent = child;
  return child;
}

async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  ms = 20_000,
) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const finished = (deploymentId: string) =>
  until(
    () => events.find((e) => e.type === "deployment.finished" && e.deploymentId === deploymentId),
    `deployment ${deploymentId}`,
    45_000,
  );

beforeAll(async () => {
  execFileSync(process.execPath, [join(AGENT_DIR, "scripts", "build.mjs")]);
  ({ db, cleanup: cleanupDb } = await createTestDb());
  api = await (await signedInAdmin(db)).api();
  const { id: networkId } = await api.networks.create({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
  });
  hubId = (
    await api.sites.create({
      networkId,
      site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
    })
  ).id;
  spokeId = (
    await api.sites.create({
      networkId,
      site: {
        name: "branch1",
        role: "spoke",
        platform: "frr-linux",
        wanInterface: "eth0",
        lanPrefixes: ["10.1.0.0/24"],
      },
    })
  ).id;
  dir = mkdtempSync(join(tmpdir(), "dmvpn-console-agent-"));
  configPath = join(dir, "config.json");
  await startConsole();
});

afterAll(async () => {
  agent?.kill("SIGKILL");
  await stopConsole();
  await cleanupDb();
  rmSync(dir, { recursive: true, force: true });
});

describe("real agents against the console gateway", () => {
  it("enrols with the one-time token; a reused or expired token is refused", async () => {
    const { token, command } = await api.agents.createEnrollment({
      siteId: spokeId,
      origin: `http://127.0.0.1:${port}`,
    });
    expect(command).toContain(`DMVPN_TOKEN='${token}'`);
    expect(command).not.toMatch(new RegExp(`install\\.sh[^|]*${token}`));
    const enroll = (t: string, config: string) =>
      run(process.execPath, [
        BUNDLE,
        "enroll",
        "--console",
        `http://127.0.0.1:${port}`,
        "--token",
        t,
        "--config",
        config,
        "--driver",
        "sim",
        "--hostname",
        "branch1",
      ]);
    await enroll(token, configPath);
    const config = JSON.parse(readFileSync(configPath, "utf8"));
    expect(config.siteId).toBe(spokeId);
    expect(readFileSync(configPath, "utf8")).not.toContain(token);
    const stored = await db.agent.findUniqueOrThrow({ where: { siteId: spokeId } });
    expect(stored.credentialHash).not.toBe(config.credential);
    expect(stored.credentialHash).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(
      configPath,
      JSON.stringify({
        ...config,
        statusIntervalSeconds: 0.3,
        registrationGraceSeconds: 60,
        backoff: { initialMs: 200, maxMs: 1000 },
      }),
    );

    await expect(enroll(token, join(dir, "again.json"))).rejects.toThrow(/refused \(HTTP 401\)/);
    const expired = await createEnrollmentToken(db, systemActor("test"), hubId);
    await db.enrollmentToken.updateMany({
      where: { siteId: hubId, usedAt: null, revokedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await expect(enroll(expired.token, join(dir, "expired.json"))).rejects.toThrow(/refused \(HTTP 401\)/);
    expect(await db.agent.findUnique({ where: { siteId: hubId } })).toBeNull();
  });

  it("connects, shows online and stores the status it reports", async () => {
    startAgent();
    // the event is published after the write commits: both are there once it arrives
    await until(() => events.some((e) => e.type === "agent.online" && e.siteId === spokeId), "agent.online event");
    expect((await db.agent.findUnique({ where: { siteId: spokeId } }))?.connected).toBe(true);
    expect(await db.siteEvent.count({ where: { siteId: spokeId, kind: "agent-online" } })).toBe(1);
    const status = await until(() => loadStoredStatus(db, spokeId), "status snapshot");
    expect(status.status.collectedAt).toBeTruthy();
    const view = await api.status.site({ siteId: spokeId });
    expect(view.managed).toBe(true);
    expect(view.agent?.connected).toBe(true);
    expect((await api.status.site({ siteId: hubId })).managed).toBe(false);
  });

  it("deploys a network in waves: hub awaiting apply (agentless), spoke applied, registered, confirmed; status and events stored", async () => {
    const preview = await api.deployments.preview({ siteIds: [spokeId] });
    expect(preview[0]).toMatchObject({ managed: true, deployedRevision: null, unchanged: false });
    expect(preview[0]!.diff).toContain("+ ip nhrp nhs dynamic nbma 203.0.113.1");
    const { ipsecPsk } = await api.networks.revealPsk({ id: (await api.sites.get({ id: spokeId })).networkId });
    expect(preview[0]!.diff).not.toContain(ipsecPsk);

    const { id } = await api.deployments.create({
      target: { networkId: (await api.sites.get({ id: spokeId })).networkId },
      options: { confirmWindowSeconds: 30 },
    });
    const done = await finished(id);
    const d = await api.deployments.get({ id });
    expect(d.items.map((i) => [i.site, i.wave, i.status])).toEqual([
      ["hub1", 0, "awaiting-apply"],
      ["branch1", 1, "confirmed"],
    ]);
    // The agentless hub does not hold the spoke's wave up, but the deployment is not done until it is applied.
    expect(done).toMatchObject({ status: "awaiting-apply" });
    const progress = events.filter(
      (e) => e.type === "deployment.progress" && e.deploymentId === id && e.siteId === spokeId,
    );
    expect(progress.map((e) => (e.type === "deployment.progress" ? e.itemStatus : ""))).toEqual([
      "sent",
      "applied",
      "confirmed",
    ]);
    // Statuses reach the database in batches (the gateway keeps the latest in memory): flush before reading it.
    await until(async () => {
      await services.gateway.flush();
      const status = await loadStoredStatus(db, spokeId);
      return status?.status.nhs.some((n) => n.registered && n.nbma === "203.0.113.1");
    }, "the spoke's registration stored");
    const kinds = (await db.siteEvent.findMany({ where: { siteId: spokeId } })).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["agent-online", "registration-up"]));
    expect((await api.deployments.preview({ siteIds: [spokeId] }))[0]).toMatchObject({
      unchanged: true,
      diff: "",
      drift: "",
    });
  });

  it("re-deploying the same content is a no-op on the router", async () => {
    const { id } = await api.deployments.create({ target: { siteIds: [spokeId] } });
    await finished(id);
    expect((await api.deployments.get({ id })).items[0]!.status).toBe("unchanged");
    expect((await api.deployments.revisions({ siteId: spokeId })).length).toBe(1);
  });

  it("runs a ping and a whitelisted show command on the router through its agent, audited", async () => {
    const ping = await api.diagnostics.ping({ siteId: spokeId, target: "10.255.0.1", source: "10.1.0.1", count: 2 });
    expect(ping).toMatchObject({ target: "10.255.0.1", source: "10.1.0.1", sent: 2 });
    expect(ping.lossPercent).toBe(Math.round(((ping.sent - ping.received) / ping.sent) * 100));
    expect(ping.output).toContain("PING 10.255.0.1");
    const show = await api.diagnostics.show({ siteId: spokeId, commandId: "running-config" });
    expect(show.ok).toBe(true);
    expect(show.output).toContain("ip nhrp nhs dynamic nbma 203.0.113.1");
    const audit = await db.auditEvent.findMany({
      where: { entityId: spokeId, action: { startsWith: "diagnostics." } },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(["diagnostics.ping", "diagnostics.show"]);
    await expect(api.diagnostics.ping({ siteId: spokeId, target: "10.255.0.1; reboot" })).rejects.toThrow(
      /target must be an IPv4 address/,
    );
    await expect(api.diagnostics.show({ siteId: hubId, commandId: "bgp-summary" })).rejects.toThrow(
      /site hub1: its agent is not connected/,
    );
  });

  it("an agent killed mid-apply rolls back by itself and the deployment records it", async () => {
    const site = await api.sites.get({ id: spokeId });
    await api.sites.update({
      id: spokeId,
      networkId: site.networkId,
      site: {
        name: "branch1",
        role: "spoke",
        platform: "frr-linux",
        wanInterface: "eth0",
        lanPrefixes: ["10.1.0.0/24", "10.1.1.0/24"],
      },
    });
    const off = bus.subscribe((e) => {
      if (e.type === "deployment.progress" && e.siteId === spokeId && e.itemStatus === "applied")
        agent?.kill("SIGKILL");
    });
    const { id } = await api.deployments.create({
      target: { siteIds: [spokeId] },
      options: { confirmWindowSeconds: 60 },
    });
    await until(() => agent?.exitCode !== null || agent?.signalCode, "agent killed");
    off();
    startAgent();
    const done = await finished(id);
    expect(done).toMatchObject({ status: "failed" });
    const item = (await api.deployments.get({ id })).items[0]!;
    expect(item).toMatchObject({ status: "rolled-back", error: expect.stringMatching(/restarted/) });
    await until(
      async () => (await db.siteEvent.findFirst({ where: { siteId: spokeId, kind: "rollback" } })) !== null,
      "rollback event",
    );
    expect((await api.deployments.revisions({ siteId: spokeId })).find((r) => r.current)?.number).toBe(1);
  });

  it("the console restarts while the agent runs: it reconnects, nothing stored is lost, deployments work again", async () => {
    const before = {
      events: await db.siteEvent.count({ where: { siteId: spokeId } }),
      deployments: await db.deployment.count(),
    };
    await stopConsole();
    expect((await db.agent.findUniqueOrThrow({ where: { siteId: spokeId } })).connected).toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    const onlineBefore = events.filter((e) => e.type === "agent.online").length;
    await startConsole();
    await until(() => events.filter((e) => e.type === "agent.online").length > onlineBefore, "reconnect");
    expect(await db.siteEvent.count({ where: { siteId: spokeId } })).toBeGreaterThan(before.events);
    expect(await db.deployment.count()).toBe(before.deployments);
    const { id } = await api.deployments.create({
      target: { siteIds: [spokeId] },
      options: { confirmWindowSeconds: 30 },
    });
    await finished(id);
    expect((await api.deployments.get({ id })).items[0]!.status).toBe("confirmed");
    const revisions = await api.deployments.revisions({ siteId: spokeId });
    expect(revisions.map((r) => [r.number, r.current])).toEqual([
      [2, true],
      [1, false],
    ]);

    // one-click rollback to revision 1
    const rb = await api.deployments.rollback({ revisionId: revisions[1]!.id });
    await finished(rb.id);
    expect((await api.deployments.get({ id: rb.id })).items[0]).toMatchObject({ status: "confirmed", revision: 1 });
  });
});

describe("gateway message handling", () => {
  let hubCredential: string;
  const open = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/agent/ws`);
    const received: { type: string; payload: Record<string, unknown> }[] = [];
    ws.on("message", (d) => received.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once("open", r));
    return { ws, received, next: (type: string) => until(() => received.find((m) => m.type === type), type, 5000) };
  };
  const hello = (siteId: string, credential: string) =>
    JSON.stringify({
      v: 1,
      type: "hello",
      payload: { agentVersion: "t", platform: "sim", hostname: "raw", siteId, credential },
    });

  beforeAll(async () => {
    const { token } = await createEnrollmentToken(db, systemActor("test"), hubId);
    hubCredential = (await enrollAgent(db, { token, hostname: "hub1", platform: "sim", agentVersion: "t" }, "ws://x"))
      .credential;
  });

  it("answers malformed, oversized and unauthenticated frames with errors and keeps the connection", async () => {
    const c = await open();
    c.ws.send("{not json");
    expect((await c.next("error")).payload.code).toBe("invalid-json");
    c.ws.send(JSON.stringify({ v: 1, type: "heartbeat", payload: { sentAt: new Date().toISOString() } }));
    await until(() => c.received.some((m) => m.payload.code === "not-authenticated"), "not-authenticated");
    c.ws.send(JSON.stringify({ v: 1, type: "event", payload: { junk: "x".repeat(1_100_000) } }));
    await until(() => c.received.some((m) => m.payload.code === "too-large"), "too-large");
    c.ws.send(hello(hubId, hubCredential));
    expect((await c.next("welcome")).payload.siteId).toBe(hubId);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it("a console shutdown right after an agent drops still records it offline, with the event", async () => {
    // a database as slow as a remote PostgreSQL under load: the offline write is still running at shutdown
    await stopConsole();
    const offlineBefore = await db.siteEvent.count({ where: { siteId: hubId, kind: "agent-offline" } });
    const slowDb = db.$extends({
      query: {
        agent: {
          async update({ args, query }) {
            await new Promise((r) => setTimeout(r, 300));
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    await startConsole(slowDb);
    try {
      const c = await open();
      c.ws.send(hello(hubId, hubCredential));
      await c.next("welcome");
      await until(async () => (await db.agent.findUniqueOrThrow({ where: { siteId: hubId } })).connected, "online");
      c.ws.terminate();
      await until(() => !services.gateway.isConnected(hubId), "socket gone");
      // past the gateway's own bookkeeping, into the slow write: the moment a shutdown used to cut it off
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await stopConsole();
    }
    const stored = {
      connected: (await db.agent.findUniqueOrThrow({ where: { siteId: hubId } })).connected,
      offlineEvents: await db.siteEvent.count({ where: { siteId: hubId, kind: "agent-offline" } }),
    };
    await startConsole();
    expect(stored).toEqual({ connected: false, offlineEvents: offlineBefore + 1 });
  });

  it("refuses a wrong credential and a credential used for another site", async () => {
    for (const [site, cred] of [
      [hubId, "wrong-credential-0123456789"],
      [spokeId, hubCredential],
    ] as const) {
      const c = await open();
      c.ws.send(hello(site, cred));
      expect((await c.next("auth-error")).payload.reason).toMatch(/credential/);
      await until(() => c.ws.readyState === WebSocket.CLOSED, "closed");
    }
    expect(agentLog).not.toContain(hubCredential);
  });

  it("a revoked credential is refused", async () => {
    await api.agents.revokeCredential({ siteId: hubId });
    const c = await open();
    c.ws.send(hello(hubId, hubCredential));
    await c.next("auth-error");
  });
});
