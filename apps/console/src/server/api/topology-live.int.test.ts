import { getEventListeners } from "node:events";
import type { PrismaClient } from "@dmvpn/db";
import { emptySiteStatus } from "@dmvpn/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { createInMemoryBus, type EventBus } from "../bus";
import { setRuntime } from "../runtime";
import { topologyFeed } from "../services/topology-live";
import { createCaller } from "./root";
import type { TopologyMessage } from "./routers/topology";
import { createContext } from "./trpc";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let bus: EventBus;
beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  bus = createInMemoryBus();
  setRuntime({ db, bus });
});
afterEach(() => cleanup());

type Api = ReturnType<typeof createCaller>;

/** A signed-in caller whose calls get `signal`, as the SSE handler passes the request's. */
async function subscriber(signal: AbortSignal) {
  const client = await signedInAdmin(db);
  const jar = { get: (n: string) => client.cookies.get(n), set: () => {}, clear: () => {} };
  const ctx = await createContext({ db, cookies: jar, userAgent: "vitest", secure: false });
  return { admin: await client.api(), api: createCaller(ctx, { signal }) };
}

async function oneSpoke(admin: Api) {
  const { id: networkId } = await admin.networks.create({
    name: "n",
    tunnelPrefix: "10.0.0.0/24",
    greKey: 1,
    nhrpNetworkId: 1,
  });
  const { id: siteId } = await admin.sites.create({
    networkId,
    site: {
      name: "spoke-1",
      role: "spoke",
      platform: "frr-linux",
      wanInterface: "eth0",
      publicAddress: "198.51.100.7",
    },
  });
  return { networkId, siteId };
}

function report(networkId: string, siteId: string, n: number) {
  const status = emptySiteStatus(new Date().toISOString());
  status.tunnels.push({
    name: "gre1",
    operState: n % 2 ? "up" : "down",
    mtu: 1400,
    rxBytes: n,
    txBytes: 0,
    rxPackets: 0,
    txPackets: 0,
  });
  bus.publish({ type: "site.status", siteId, networkId, at: new Date().toISOString(), seq: n, status });
}

describe("the live topology subscription", () => {
  it("keeps one abort listener however many deltas it sends, and none once the client goes", async () => {
    const controller = new AbortController();
    const { admin, api } = await subscriber(controller.signal);
    const { networkId, siteId } = await oneSpoke(admin);
    const stream = (await api.topology.live()) as AsyncIterable<TopologyMessage>;
    const it = stream[Symbol.asyncIterator]();

    const first = await it.next();
    expect((first.value as TopologyMessage).kind).toBe("snapshot");
    const listeners: number[] = [];
    for (let n = 1; n <= 30; n++) {
      report(networkId, siteId, n);
      const next = (await it.next()).value as TopologyMessage;
      expect(next.kind).toBe("delta");
      if (next.kind === "delta")
        expect(next.delta.updateNodes.map((x) => x.tunnelState)).toEqual([n % 2 ? "up" : "down"]);
      listeners.push(getEventListeners(controller.signal, "abort").length);
    }
    // the handler's own listener and tRPC's: a constant, not one more per delta
    expect(new Set(listeners).size).toBe(1);
    expect(listeners[0]).toBeLessThanOrEqual(2);

    controller.abort();
    await it.return?.();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("merges what a slow reader has not taken into one delta, the latest row per node", async () => {
    const controller = new AbortController();
    const { admin, api } = await subscriber(controller.signal);
    const { networkId, siteId } = await oneSpoke(admin);
    const stream = (await api.topology.live()) as AsyncIterable<TopologyMessage>;
    const it = stream[Symbol.asyncIterator]();
    await it.next(); // snapshot

    for (let n = 1; n <= 5; n++) {
      report(networkId, siteId, n);
      await new Promise((r) => setTimeout(r, 120)); // past the feed's 50 ms coalescing: five separate deltas
    }
    const next = (await it.next()).value as TopologyMessage;
    expect(next.kind).toBe("delta");
    if (next.kind === "delta") {
      expect(next.delta.updateNodes).toHaveLength(1);
      expect(next.delta.updateNodes[0]!.tunnelState).toBe("up"); // the fifth report
    }
    controller.abort();
    await it.return?.();
  });

  it("stays warm after the last viewer leaves: a reload is served without reading every site and status again", async () => {
    const { admin } = await subscriber(new AbortController().signal);
    const { networkId } = await oneSpoke(admin);
    let statusReads = 0;
    const counted = db.$extends({
      query: {
        siteStatus: {
          async findMany({ args, query }) {
            statusReads++;
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    const feed = topologyFeed(counted, bus);
    try {
      const first = await feed.subscribe(() => {});
      expect(first.graph.nodes.map((n) => n.name)).toEqual(["spoke-1"]);
      first.stop(); // the tab reloads, after a site was added meanwhile
      await admin.sites.create({
        networkId,
        site: { name: "spoke-2", role: "spoke", platform: "frr-linux", wanInterface: "eth0" },
      });
      const second = await feed.subscribe(() => {});
      expect(second.graph.nodes.map((n) => n.name)).toEqual(["spoke-1", "spoke-2"]);
      second.stop();
      expect(statusReads).toBe(1);
    } finally {
      feed.close();
    }
  });
});
