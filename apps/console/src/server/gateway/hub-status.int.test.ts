import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import {
  type AgentToConsole,
  agentMessage,
  type ConsoleToAgent,
  MAX_MESSAGE_BYTES,
  type SiteStatus,
  splitStatus,
} from "@dmvpn/protocol";
import { hubStatus } from "@dmvpn/protocol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { until } from "../../../test/until";
import { createInMemoryBus } from "../bus";
import { setRuntime } from "../runtime";
import { systemActor } from "../services/actor";
import { createEnrollmentToken, enrollAgent } from "../services/enrollment";
import { loadStoredStatus } from "../services/site-status";
import { type AgentGateway, attachAgentUpgrades, createGateway } from "./index";

// Issue 13, goal 2: a hub with 10,000 spokes. A fake hub agent speaks the protocol over a real socket to the real
// gateway: its snapshot (~9 MB, far over the 1 MiB frame limit) goes out in parts; the console assembles and stores
// it, and the status API hands it out page by page (tRPC and REST).

const SPOKES = 10_000;
let db: PrismaClient;
let cleanupDb: () => Promise<void>;
let api: Awaited<ReturnType<Awaited<ReturnType<typeof signedInAdmin>>["api"]>>;
let token: string;
let gateway: AgentGateway;
let server: Server;
let rest: Awaited<ReturnType<typeof startApiServer>>;
let hub: FakeHub;
const site = { id: "", credential: "" };
const status = hubStatus(SPOKES, "2026-03-01T12:00:00.000Z");

/** The agent end of the socket: sends envelopes, keeps what the console says. */
class FakeHub {
  readonly received: ConsoleToAgent[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => this.received.push(JSON.parse(String(d)) as ConsoleToAgent));
  }
  send(m: AgentToConsole) {
    this.ws.send(JSON.stringify(m));
  }
  async waitFor(type: ConsoleToAgent["type"], ms = 10_000) {
    return until(() => this.received.find((m) => m.type === type), `a ${type} from the console`, ms);
  }
}

async function storedSeq(seq: number) {
  await gateway.flush();
  const row = await db.siteStatus.findUnique({ where: { siteId: site.id }, select: { seq: true } });
  return row?.seq === seq;
}

beforeAll(async () => {
  ({ db, cleanup: cleanupDb } = await createTestDb());
  const admin = await signedInAdmin(db);
  api = await admin.api();
  const { id: networkId } = await api.networks.create({
    name: "big",
    tunnelPrefix: "10.0.0.0/16",
    greKey: 77,
    nhrpNetworkId: 7,
  });
  site.id = (
    await api.sites.create({
      networkId,
      site: { name: "big-hub", role: "hub", platform: "frr-linux", wanInterface: "eth0", publicAddress: "203.0.113.1" },
    })
  ).id;
  const { token: enrollToken } = await createEnrollmentToken(db, systemActor("test"), site.id);
  site.credential = (
    await enrollAgent(
      db,
      { token: enrollToken, hostname: "big-hub", platform: "frr-linux", agentVersion: "t" },
      "ws://x",
    )
  ).credential;
  token = (await api.apiTokens.create({ name: "reader", scope: "read", expiresInDays: 1 })).token;

  gateway = createGateway({ db, bus: createInMemoryBus(), heartbeatSeconds: 600, statusFlushMs: 50, log: () => {} });
  server = createServer((_req, res) => void res.writeHead(404).end());
  attachAgentUpgrades(server, gateway);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const bus = createInMemoryBus();
  rest = await startApiServer(db, bus);
  // as server.ts does: the status API reads the gateway's in-memory latest status of a connected hub
  setRuntime({ db, bus, gateway });

  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/agent/ws`);
  await new Promise((r, j) => ws.once("open", r).once("error", j));
  hub = new FakeHub(ws);
  hub.send(
    agentMessage("hello", {
      agentVersion: "t",
      platform: "frr-linux",
      hostname: "big-hub",
      siteId: site.id,
      credential: site.credential,
    }),
  );
  await hub.waitFor("welcome");
}, 60_000);

afterAll(async () => {
  hub?.ws.terminate();
  await gateway?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await rest?.close();
  await cleanupDb?.();
});

describe("a 10,000-spoke hub through the real gateway", () => {
  it("sends its snapshot in parts under the frame limit; the console assembles and stores all of it", async () => {
    const parts = splitStatus(status, { seq: 1, snapshotId: "hub-1", maxFrameBytes: MAX_MESSAGE_BYTES });
    const frames = parts.map((p) => JSON.stringify(agentMessage("status-part", p)));
    expect(frames.length).toBeGreaterThanOrEqual(8);
    for (const f of frames) expect(Buffer.byteLength(f)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const started = performance.now();
    for (const f of frames) hub.ws.send(f);
    await until(() => gateway.latestStatus?.(site.id)?.seq === 1, "the hub's status assembled");
    const assembled = performance.now() - started;
    await until(() => storedSeq(1), "the hub's status stored");
    const stored = performance.now() - started;
    console.log(
      `10,000-spoke snapshot: ${frames.length} parts; sent to assembled ${assembled.toFixed(0)} ms, to stored ${stored.toFixed(0)} ms`,
    );
    expect(hub.received.filter((m) => m.type === "error")).toEqual([]);
    const row = await loadStoredStatus(db, site.id);
    expect(row?.status.nhrpCache).toHaveLength(SPOKES);
    expect(row?.status).toEqual(status);
  }, 60_000);

  it("a delta on top changes the one row it names", async () => {
    const changed = { ...status.ipsecSas[1234]!, state: "DELETING" };
    hub.send(
      agentMessage("status-delta", {
        seq: 2,
        collectedAt: "2026-03-01T12:00:10.000Z",
        changes: { ipsecSas: { upsert: [changed] } },
      }),
    );
    const started = performance.now();
    await until(() => gateway.latestStatus?.(site.id)?.seq === 2, "the delta applied");
    const applied = performance.now() - started;
    await until(() => storedSeq(2), "the delta stored");
    console.log(
      `one-row delta on the 10,000-spoke hub: applied ${applied.toFixed(0)} ms, stored ${(performance.now() - started).toFixed(0)} ms`,
    );
    const page = await api.status.rows({ siteId: site.id, kind: "ipsecSas", filter: "deleting", limit: 10 });
    expect(page.matched).toBe(1);
    expect(page.rows).toEqual([changed]);
  }, 30_000);

  it("pages through all 10,000 NHRP entries in address order, none twice", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.status.rows({ siteId: site.id, kind: "nhrpCache", limit: 1000, cursor });
      expect(page.kind).toBe("nhrpCache");
      expect(page.total).toBe(SPOKES);
      if (page.kind === "nhrpCache") seen.push(...page.rows.map((r) => r.protocolAddress));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(10);
    expect(new Set(seen).size).toBe(SPOKES);
    expect(seen.slice(0, 3)).toEqual(["10.0.1.1", "10.0.1.2", "10.0.1.3"]);
    expect(seen).toContain(status.nhrpCache[SPOKES - 1]!.protocolAddress);
  }, 30_000);

  it("filters by text, and the status view sends only the first rows with the totals", async () => {
    const one = await api.status.rows({ siteId: site.id, kind: "bgpNeighbors", filter: "10.0.39.17", limit: 50 });
    // 10.0.39.17 and 10.0.39.170–179, in address order
    const expected = ["10.0.39.17", ...Array.from({ length: 10 }, (_, i) => `10.0.39.${170 + i}`)];
    expect(one.kind === "bgpNeighbors" && one.rows.map((b) => b.address)).toEqual(expected);
    expect(one.matched).toBe(11);
    expect(one.rows[0]).toEqual(status.bgpNeighbors.find((b) => b.address === "10.0.39.17"));
    const view = await api.status.site({ siteId: site.id, listLimit: 0 });
    expect(view.listTotals).toMatchObject({ nhrpCache: SPOKES, ipsecSas: SPOKES, bgpNeighbors: SPOKES });
    expect(view.status?.nhrpCache).toEqual([]);
    // the same from the database (no gateway in this process, as on an instance the hub is not connected to)
    setRuntime({ db, bus: createInMemoryBus() });
    await gateway.flush();
    const stored = await api.status.rows({ siteId: site.id, kind: "bgpNeighbors", filter: "10.0.39.17", limit: 50 });
    expect(stored).toEqual(one);
    setRuntime({ db, bus: createInMemoryBus(), gateway });
  }, 30_000);

  it("REST: GET /sites/{id}/status/rows pages and filters with an API token", async () => {
    const get = (q: string) =>
      fetch(`${rest.url}/api/v1/sites/${site.id}/status/rows?${q}`, { headers: { authorization: `Bearer ${token}` } });
    const res = await get("kind=ipsecSas&limit=50&filter=spoke-9999.dmvpn");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { matched: number; rows: SiteStatus["ipsecSas"]; nextCursor: string | null };
    expect(body.matched).toBe(1);
    expect(body.rows[0]?.remoteId).toBe("spoke-9999.dmvpn.example");
    const first = (await (await get("kind=nhrpCache&limit=2")).json()) as { nextCursor: string; total: number };
    expect(first).toMatchObject({ total: SPOKES, nextCursor: "gre1|10.0.1.2" });
    const next = (await (
      await get(`kind=nhrpCache&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json()) as {
      rows: { protocolAddress: string }[];
    };
    expect(next.rows.map((r) => r.protocolAddress)).toEqual(["10.0.1.3", "10.0.1.4"]);
    expect((await get("kind=nope")).status).toBe(400);
  }, 30_000);

  it("refuses parts out of order with a reason and asks for a snapshot; the stored status stays", async () => {
    const parts = splitStatus(hubStatus(2000), { seq: 3, snapshotId: "hub-3", maxFrameBytes: MAX_MESSAGE_BYTES });
    hub.received.length = 0;
    hub.send(agentMessage("status-part", parts[0]!));
    hub.send(agentMessage("status-part", parts[0]!));
    const error = await hub.waitFor("error");
    expect(error.type === "error" && error.payload.message).toBe(
      "status-part: part 0 of snapshot hub-3 is a duplicate",
    );
    await hub.waitFor("request-snapshot");
    hub.send(agentMessage("status-part", parts[1]!)); // the rest of the refused snapshot: dropped, no more errors
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.received.filter((m) => m.type === "error")).toHaveLength(1);
    await gateway.flush();
    expect((await db.siteStatus.findUniqueOrThrow({ where: { siteId: site.id } })).seq).toBe(2);
  }, 30_000);
});
