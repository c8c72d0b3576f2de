import type { PrismaClient } from "@dmvpn/db";
import { describe, expect, it } from "vitest";
import { PresenceWrites } from "./presence-writes";

// The queries are only built here: a stand-in database hands back what each would do, and the writer records them.
type Query = { op: string; args: { where?: { siteId: unknown }; data: unknown } };
const fakeDb = {
  agent: {
    updateMany: (args: Query["args"]) => ({ op: "agent.updateMany", args }),
    update: (args: Query["args"]) => ({ op: "agent.update", args }),
  },
  siteEvent: { createMany: (args: Query["args"]) => ({ op: "siteEvent.createMany", args }) },
} as unknown as PrismaClient;

const hello = (siteId: string, details: { hostname: string; version: string; platform: string } | null = null) => ({
  siteId,
  networkId: "n",
  at: new Date("2026-06-01T00:00:00Z"),
  details,
});

describe("PresenceWrites", () => {
  it("records the hellos of one moment in one write: one updateMany, one createMany, an update per changed router", async () => {
    const writes: Query[][] = [];
    const online = new PresenceWrites(fakeDb, { write: async (q) => void writes.push(q as unknown as Query[]) });
    await Promise.all([
      online.online(hello("a")),
      online.online(hello("b", { hostname: "b2", version: "2.0", platform: "vyos" })),
      online.online(hello("c")),
    ]);
    expect(writes).toHaveLength(1);
    const [batch] = writes;
    expect(batch!.map((q) => q.op)).toEqual(["agent.updateMany", "agent.update", "siteEvent.createMany"]);
    expect(batch![0]!.args.where).toEqual({ siteId: { in: ["a", "b", "c"] } });
    expect(batch![0]!.args.data).toMatchObject({ connected: true });
    expect(batch![1]!.args).toEqual({
      where: { siteId: "b" },
      data: { hostname: "b2", version: "2.0", platform: "vyos" },
    });
    expect((batch![2]!.args.data as { siteId: string; kind: string }[]).map((e) => [e.siteId, e.kind])).toEqual([
      ["a", "agent-online"],
      ["b", "agent-online"],
      ["c", "agent-online"],
    ]);
  });

  it("writes a failed batch again hello by hello: only the one the database refuses fails", async () => {
    const writes: string[][] = [];
    const online = new PresenceWrites(fakeDb, {
      write: async (q) => {
        const sites = (q as unknown as Query[])
          .filter((x) => x.op === "siteEvent.createMany")
          .flatMap((x) => (x.args.data as { siteId: string }[]).map((e) => e.siteId));
        writes.push(sites);
        if (sites.includes("gone")) throw new Error("foreign key");
      },
    });
    const results = await Promise.allSettled([
      online.online(hello("a")),
      online.online(hello("gone")),
      online.online(hello("c")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(writes).toEqual([["a", "gone", "c"], ["a"], ["gone"], ["c"]]);
  });

  it("records closes by the second of last-seen time, keeps one site's writes in order, and events for all", async () => {
    const writes: Query[][] = [];
    const presence = new PresenceWrites(fakeDb, { write: async (q) => void writes.push(q as unknown as Query[]) });
    const t = Date.parse("2026-06-01T00:00:00Z");
    const gone = (siteId: string, lastSeenMs: number) => ({
      siteId,
      networkId: "n",
      at: new Date(t + 20_000),
      lastSeenAt: new Date(t + lastSeenMs),
    });
    await Promise.all([
      presence.offline(gone("a", 100)),
      presence.offline(gone("b", 900)),
      presence.offline(gone("c", 5_300)),
      presence.online(hello("d")),
      presence.online(hello("a")), // a reconnected: after its offline, in the next batch
    ]);
    expect(writes).toHaveLength(2);
    const [first, second] = writes;
    expect(first!.map((q) => [q.op, q.args.where, q.args.data])).toEqual([
      ["agent.updateMany", { siteId: { in: ["d"] } }, { connected: true, lastSeenAt: expect.any(Date) }],
      ["agent.updateMany", { siteId: { in: ["a", "b"] } }, { connected: false, lastSeenAt: new Date(t) }],
      ["agent.updateMany", { siteId: { in: ["c"] } }, { connected: false, lastSeenAt: new Date(t + 5_000) }],
      ["siteEvent.createMany", undefined, expect.any(Array)],
    ]);
    expect((first![3]!.args.data as { siteId: string; kind: string }[]).map((e) => `${e.siteId} ${e.kind}`)).toEqual([
      "a agent-offline",
      "b agent-offline",
      "c agent-offline",
      "d agent-online",
    ]);
    expect(second!.map((q) => q.op)).toEqual(["agent.updateMany", "siteEvent.createMany"]);
    expect(second![0]!.args).toMatchObject({ where: { siteId: { in: ["a"] } }, data: { connected: true } });
  });
});
