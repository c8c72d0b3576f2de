// Several console instances on one PostgreSQL database sharing the work through Redis (issue 13, goals 3 and 4):
// two real console processes (test/cluster-instance.ts: the runtime server.ts starts, with the API routes and the
// agents' WebSocket on real HTTP servers), protocol agents split between them through two TCP front doors that
// fail over like a load balancer, a deployment to a site held by the other instance, status on one instance seen
// from a subscription on the other, and one instance killed mid-deployment. Runs in `npm run test:postgres` only
// (*.pg.int.test.ts): several processes cannot share a SQLite file.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { type AddressInfo, createConnection, createServer as createTcpServer, type Socket } from "node:net";
import path from "node:path";
import { ConsoleConnection } from "@dmvpn/agent";
import type { PrismaClient } from "@dmvpn/db";
import { agentMessage, type ConsoleToAgent, emptySiteStatus, type SiteStatus } from "@dmvpn/protocol";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { systemActor } from "../services/actor";
import { createEnrollmentToken, enrollAgent } from "../services/enrollment";
import { deliverDueWebhooks, enqueueWebhookEvent } from "../services/webhooks";

const ROOT = path.resolve(import.meta.dirname, "../../../../..");
const INSTANCE = path.join(ROOT, "apps/console/test/cluster-instance.ts");
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** short, so a dead instance's agents and deployments move on within seconds */
const PRESENCE_TTL_MS = 3000;
const LEASE_MS = 3000;

/** Polls until `check` returns something truthy; the deadline is a failure, never an assertion by sleeping. */
async function until<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---- console instances -------------------------------------------------------------------------------------

interface Instance {
  id: string;
  child: ChildProcess;
  url: string;
  port: number;
  log: string[];
}
const instances = new Map<string, Instance>();
const logs = () => [...instances.values()].map((i) => `--- instance ${i.id}:\n${i.log.slice(-40).join("")}`).join("\n");

async function startInstance(id: string, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", INSTANCE], {
    cwd: ROOT,
    env: { ...process.env, ...env, CONSOLE_INSTANCE_ID: id, TEST_LISTEN_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const inst: Instance = { id, child, url: "", port: 0, log: [] };
  instances.set(id, inst);
  child.stdout!.setEncoding("utf8").on("data", (d: string) => inst.log.push(d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => inst.log.push(d));
  const port = await until(
    () => {
      if (child.exitCode !== null) throw new Error(`instance ${id} exited ${child.exitCode}\n${logs()}`);
      const m = /listening (\d+)/.exec(inst.log.join(""));
      return m ? Number(m[1]) : null;
    },
    `instance ${id} to listen`,
    90_000,
  );
  inst.port = port;
  inst.url = `http://127.0.0.1:${port}`;
  return inst;
}

// ---- a load balancer in front of the agents -----------------------------------------------------------------

/**
 * A TCP front door that forwards each connection to the first instance in its order that accepts it: while the
 * preferred instance is up agents land there (so the test decides the split), and once it dies their reconnects
 * reach the other, as behind any load balancer with health checks.
 */
async function frontDoor(order: () => number[]): Promise<{ port: number; server: ReturnType<typeof createTcpServer> }> {
  const server = createTcpServer((client: Socket) => {
    client.pause();
    const ports = order();
    const attempt = (i: number) => {
      if (i >= ports.length) return void client.destroy();
      const upstream = createConnection({ host: "127.0.0.1", port: ports[i]! });
      upstream.once("error", () => attempt(i + 1));
      upstream.once("connect", () => {
        upstream.removeAllListeners("error");
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.on("close", () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, server };
}

// ---- protocol agents ----------------------------------------------------------------------------------------

/**
 * A site's agent on the real agent connection (@dmvpn/agent), answering as the agent's commit-confirm does: an
 * apply is answered "applied" (again, with the same confirm-by, when the same deployment is sent twice), confirm
 * with "confirmed", ping with a result. `gate` holds apply results back (the test opens it).
 */
class TestAgent {
  readonly connection: ConsoleConnection;
  private seq = 0;
  tunnel: "up" | "down" = "up";
  gateOpen = true;
  readonly applies: string[] = [];
  readonly confirmed = new Set<string>();
  private pending: { deploymentId: string; contentHash: string; confirmBy: string } | null = null;
  private statusTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly siteId: string,
    readonly name: string,
    credential: string,
    url: string,
  ) {
    this.connection = new ConsoleConnection({
      url,
      hello: () => ({ agentVersion: "test", platform: "sim", hostname: name, siteId, credential }),
      backoff: { initialMs: 200, maxMs: 1000 },
    });
    this.connection.on("ready", () => this.sendStatus());
    this.connection.on("message", (m) => this.onMessage(m));
  }

  start() {
    this.connection.start();
  }

  stop() {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.connection.stop();
  }

  status(): SiteStatus {
    const st = emptySiteStatus(new Date().toISOString());
    st.tunnels.push({
      name: "gre1",
      operState: this.tunnel,
      mtu: 1400,
      rxBytes: 0,
      txBytes: 0,
      rxPackets: 0,
      txPackets: 0,
    });
    st.nhs.push({ interface: "gre1", nbma: "203.0.113.1", protocolAddress: "10.255.0.1", registered: true });
    return st;
  }

  sendStatus() {
    this.connection.send(agentMessage("status-snapshot", { seq: ++this.seq, status: this.status() }));
  }

  private onMessage(m: ConsoleToAgent) {
    if (m.type === "request-snapshot") return this.sendStatus();
    if (m.type === "ping") {
      const { target, count } = m.payload;
      const output = `${count} packets transmitted, ${count} received`;
      this.connection.send(
        agentMessage("ping-result", { target, sent: count, received: count, rttAvgMs: 1.5, output }, m.id),
      );
      return;
    }
    if (m.type === "apply") {
      const { deploymentId, contentHash, confirmWindowSeconds } = m.payload;
      this.applies.push(deploymentId);
      if (this.pending?.deploymentId !== deploymentId) {
        const confirmBy = new Date(Date.now() + confirmWindowSeconds * 1000).toISOString();
        this.pending = { deploymentId, contentHash, confirmBy };
      }
      if (!this.gateOpen) return; // as if the router were still busy with it: the console hears nothing yet
      this.connection.send(agentMessage("apply-result", { outcome: "applied", ...this.pending }, m.id));
      // fresh statuses show the spoke registered after the change
      if (this.statusTimer) clearInterval(this.statusTimer);
      this.statusTimer = setInterval(() => this.sendStatus(), 300);
      return;
    }
    if (m.type === "confirm") {
      const { deploymentId } = m.payload;
      if (this.pending?.deploymentId === deploymentId || this.confirmed.has(deploymentId)) {
        this.confirmed.add(deploymentId);
        this.pending = null;
        if (this.statusTimer) clearInterval(this.statusTimer);
        this.connection.send(agentMessage("confirmed", { deploymentId }, m.id));
      }
    }
  }
}

// ---- a webhook receiver -------------------------------------------------------------------------------------

const received: { delivery: string; event: string; data: string }[] = [];
let receiver: Server;

// ---- the suite ----------------------------------------------------------------------------------------------

let db: PrismaClient;
let dbUrl = "";
let cleanupDb: () => Promise<void>;
let redis: Redis;
const prefix = `dmvpn-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;
let token = "";
const agents: TestAgent[] = [];
const doors: { server: ReturnType<typeof createTcpServer> }[] = [];
let a: Instance;
let b: Instance;

const rest = async (inst: Instance, route: string, body?: unknown) => {
  const res = await fetch(`${inst.url}/api/v1${route}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${route} on ${inst.id}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
};
const holderOf = (siteId: string) => redis.get(`${prefix}agent:${siteId}`);
const agent = (name: string) => agents.find((x) => x.name === name)!;

beforeAll(async () => {
  ({ db, url: dbUrl, cleanup: cleanupDb } = await createTestDb());
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((e: Error) => {
    throw new Error(`Redis is not reachable at ${REDIS_URL} (TEST_REDIS_URL): ${e.message}`);
  });

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { data: unknown };
      received.push({
        delivery: String(req.headers["x-dmvpn-delivery"]),
        event: String(req.headers["x-dmvpn-event"]),
        data: JSON.stringify(body.data),
      });
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");

  // the network, its sites and their agents' credentials, written directly (the instances read the same database)
  process.env.WEBHOOK_ALLOW_PRIVATE = "true";
  const api = await (await signedInAdmin(db)).api();
  const { id: networkId } = await api.networks.create({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
  });
  await api.sites.create({
    networkId,
    site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
  });
  const spokes: { id: string; name: string; credential: string }[] = [];
  for (const [i, name] of ["a1", "a2", "b1", "b2"].entries()) {
    const { id } = await api.sites.create({
      networkId,
      site: {
        name,
        role: "spoke",
        platform: "frr-linux",
        wanInterface: "eth0",
        lanPrefixes: [`10.${i + 1}.0.0/24`],
      },
    });
    const { token: enrol } = await createEnrollmentToken(db, systemActor("test"), id);
    const { credential } = await enrollAgent(
      db,
      { token: enrol, hostname: name, platform: "sim", agentVersion: "test" },
      "ws://unused",
    );
    spokes.push({ id, name, credential });
  }
  token = (await api.apiTokens.create({ name: "ci", scope: "read-write", expiresInDays: 1 })).token;
  await api.webhooks.create({
    name: "pager",
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    events: ["site.online", "site.offline", "deployment.failed", "deployment.rolled-back"],
  });

  const env = {
    DATABASE_URL: dbUrl,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    AGENT_PRESENCE_TTL_MS: String(PRESENCE_TTL_MS),
    DEPLOYMENT_LEASE_MS: String(LEASE_MS),
    WEBHOOK_ALLOW_PRIVATE: "true",
    TEST_HEARTBEAT_SECONDS: "2",
    NODE_ENV: "production",
  };
  [a, b] = await Promise.all([startInstance(`a-${prefix}`, env), startInstance(`b-${prefix}`, env)]);
  const alive = (i: Instance) => i.child.exitCode === null && i.child.signalCode === null;
  const doorA = await frontDoor(() => [a, b].filter(alive).map((i) => i.port));
  const doorB = await frontDoor(() => [b, a].filter(alive).map((i) => i.port));
  doors.push(doorA, doorB);
  for (const s of spokes) {
    const door = s.name.startsWith("a") ? doorA : doorB;
    agents.push(new TestAgent(s.id, s.name, s.credential, `ws://127.0.0.1:${door.port}/api/agent/ws`));
  }
  for (const x of agents) x.start();
}, 180_000);

afterAll(async () => {
  for (const x of agents) x.stop();
  for (const d of doors) d.server.close();
  for (const i of instances.values()) if (i.child.exitCode === null) i.child.kill("SIGKILL");
  receiver?.close();
  if (redis) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
  await cleanupDb?.();
});

describe("two console instances on one database, sharing the work through Redis", () => {
  it("agents split between the instances are online on both, each held by one instance", async () => {
    await until(async () => (await db.agent.count({ where: { connected: true } })) === 4, "all four agents online");
    for (const x of agents) {
      const expected = x.name.startsWith("a") ? a.id : b.id;
      await until(async () => (await holderOf(x.siteId)) === expected, `${x.name} held by ${expected}`);
    }
    // both instances answer for every agent, whichever holds it
    for (const inst of [a, b]) {
      for (const x of agents) {
        expect((await rest(inst, `/sites/${x.siteId}/agent`)).agent).toMatchObject({ connected: true });
      }
    }
  });

  it("a status reported to instance A reaches a topology subscription on instance B", async () => {
    const abort = new AbortController();
    const res = await fetch(`${b.url}/api/trpc/topology.live`, {
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = "";
    const messages: { kind?: string; delta?: { updateNodes: { id: string; tunnelState: string }[] } }[] = [];
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += value;
        let cut = buffered.indexOf("\n\n");
        while (cut >= 0) {
          const frame = buffered.slice(0, cut);
          buffered = buffered.slice(cut + 2);
          for (const line of frame.split("\n")) {
            if (!line.startsWith("data: ")) continue;
            try {
              const parsed = JSON.parse(line.slice(6));
              messages.push(parsed?.json ?? parsed);
            } catch {
              // keep-alive comments and non-JSON frames
            }
          }
          cut = buffered.indexOf("\n\n");
        }
      }
    })().catch(() => undefined);
    try {
      await until(() => messages.some((m) => m.kind === "snapshot"), "the topology snapshot on B");
      const a1 = agent("a1");
      expect(await holderOf(a1.siteId)).toBe(a.id);
      a1.tunnel = "down";
      a1.sendStatus();
      await until(
        () =>
          messages.some(
            (m) =>
              m.kind === "delta" && m.delta?.updateNodes.some((n) => n.id === a1.siteId && n.tunnelState === "down"),
          ),
        "B's subscription to show a1's tunnel down (a1 reports to A)",
      );
      a1.tunnel = "up";
      a1.sendStatus();
    } finally {
      abort.abort();
      await pump;
    }
  });

  it("routes a deployment and a ping for a site held by instance B from instance A", async () => {
    const b1 = agent("b1");
    expect(await holderOf(b1.siteId)).toBe(b.id);
    const { id } = await rest(a, "/deployments", {
      target: { siteIds: [b1.siteId] },
      options: { confirmWindowSeconds: 60 },
    });
    const done = await until(async () => {
      const d = await rest(a, `/deployments/${id}`);
      return ["succeeded", "failed", "awaiting-apply"].includes(d.status) ? d : null;
    }, "the deployment to finish");
    expect(done).toMatchObject({ status: "succeeded" });
    expect(done.items).toEqual([expect.objectContaining({ siteId: b1.siteId, status: "confirmed" })]);
    expect(b1.confirmed.has(id)).toBe(true);

    const ping = await rest(a, `/sites/${b1.siteId}/diagnostics/ping`, { target: "10.255.0.1", count: 2 });
    expect(ping).toMatchObject({ sent: 2, received: 2 });
  });

  it("counts failed sign-ins from one address on both instances together", async () => {
    const signIn = async (inst: Instance) =>
      fetch(`${inst.url}/api/trpc/auth.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { email: "nobody@example.net", password: "wrong password" } }),
      });
    // the limit is 20 per address in 15 minutes: ten tries on each instance reach it
    for (let i = 0; i < 20; i++) {
      const res = await signIn(i % 2 ? b : a);
      expect(res.status).toBe(401);
    }
    for (const inst of [a, b]) {
      const res = await signIn(inst);
      expect(res.status).toBe(429);
      expect(await res.text()).toContain("too many failed sign-ins");
    }
  });

  it("kills the instance running a deployment: its agents reconnect to the other, the deployment completes, no webhook twice", async () => {
    // every delivery so far is done: none is in flight when the instance dies (one would be sent again, at least once)
    await until(
      async () => (await db.webhookDelivery.count({ where: { status: { not: "delivered" } } })) === 0,
      "earlier webhook deliveries to be delivered",
    );
    for (const x of agents) x.gateOpen = false;
    const targets = [agent("a2"), agent("b2")];
    const { id } = await rest(a, "/deployments", {
      target: { siteIds: targets.map((t) => t.siteId) },
      options: { confirmWindowSeconds: 120 },
    });
    const runner = await until(() => redis.get(`${prefix}lease:deployment:${id}`), "a runner to take the lease");
    await until(() => targets.some((t) => t.applies.includes(id)), "the first wave's apply to reach its agent");
    const victim = runner === a.id ? a : b;
    const survivor = victim === a ? b : a;
    victim.child.kill("SIGKILL");
    await once(victim.child, "exit");
    for (const x of agents) x.gateOpen = true;

    const done = await until(
      async () => {
        const d = await rest(survivor, `/deployments/${id}`);
        return ["succeeded", "failed", "awaiting-apply"].includes(d.status) ? d : null;
      },
      "the deployment to finish on the survivor",
      60_000,
    );
    expect(done.status).toBe("succeeded");
    expect(done.items.map((i: { status: string }) => i.status)).toEqual(["confirmed", "confirmed"]);
    for (const t of targets) expect(t.confirmed.has(id)).toBe(true);
    expect(await redis.get(`${prefix}lease:deployment:${id}`)).toBeNull();

    // the victim's agents are held by the survivor now, and online
    for (const x of agents) await until(async () => (await holderOf(x.siteId)) === survivor.id, `${x.name} moved`);
    await until(async () => (await db.agent.count({ where: { connected: true } })) === 4, "all four agents online");

    // webhooks: every queued delivery delivered, each exactly once, nothing about a failed deployment
    await until(
      async () => (await db.webhookDelivery.count({ where: { status: { not: "delivered" } } })) === 0,
      "webhook deliveries to be delivered",
    );
    const rows = await db.webhookDelivery.findMany({ select: { id: true, event: true } });
    const moved = agents.filter((x) => (victim === a ? x.name.startsWith("a") : x.name.startsWith("b")));
    // the moved agents came online on the survivor: one site.online each (at least), queued once by it
    expect(rows.filter((r) => r.event === "site.online").length).toBeGreaterThanOrEqual(4 + moved.length);
    await until(() => received.length >= rows.length, "the receiver to have every delivery");
    const ids = received.map((r) => r.delivery);
    expect(new Set(ids).size).toBe(ids.length);
    // and no event queued twice (by both instances, each hearing it on the shared bus)
    const events = received.map((r) => `${r.event} ${r.data}`);
    expect(new Set(events).size).toBe(events.length);
    expect(ids.sort()).toEqual(rows.map((r) => r.id).sort());
    expect(received.some((r) => r.event === "deployment.failed")).toBe(false);
  });

  it("webhook workers racing over the same due deliveries send each one once", async () => {
    const before = received.length;
    for (let i = 0; i < 20; i++) await enqueueWebhookEvent(db, "site.offline", { siteId: `race-${i}` });
    // three workers (as three instances would) read the same due rows at once
    await Promise.all([deliverDueWebhooks(db), deliverDueWebhooks(db), deliverDueWebhooks(db)]);
    // the surviving instance's worker may have taken some: all are delivered, by whichever worker claimed them
    await until(
      async () => (await db.webhookDelivery.count({ where: { status: { not: "delivered" } } })) === 0,
      "the raced deliveries to be delivered",
    );
    await until(() => received.length - before >= 20, "the receiver to have them");
    const raced = received.slice(before).map((r) => r.data);
    expect(raced.length).toBe(20);
    expect(new Set(raced).size).toBe(20);
  });
});
