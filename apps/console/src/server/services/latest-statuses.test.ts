import type { Db } from "@dmvpn/db";
import { hubStatus } from "@dmvpn/protocol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LatestStatuses, STATUS_ROWS_PER_STATEMENT } from "./site-status";

// The queries are only built here (the writer would run them): a stand-in database hands back their arguments.
const fakeDb = {
  siteStatus: { upsert: (args: { where: { siteId: string } }) => args },
  $executeRawUnsafe: (sql: string, ...params: unknown[]) => ({ sql, params }),
} as unknown as Db;
type Written = { where: { siteId: string } } | { sql: string; params: unknown[] };
/** the sites a query writes: a multi-row upsert has five parameters per site, the site first */
const sitesOf = (q: Written) => ("params" in q ? q.params.filter((_, i) => i % 5 === 0).map(String) : [q.where.siteId]);

afterEach(() => vi.useRealTimers());

describe("LatestStatuses write spacing", () => {
  it("writes a small status at every flush, and a hub's megabytes at most every size/rate seconds", async () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const statuses = new LatestStatuses(
      fakeDb,
      async (queries) => {
        for (const q of queries) written.push(...sitesOf(q as unknown as Written));
      },
      { flushMs: 1000, writeBytesPerSecond: 256 * 1024 },
    );
    const hub = hubStatus(2000); // ~1.6 MB: one write per ~6 s
    const spoke = hubStatus(1);
    let seq = 0;
    const report = async () => {
      seq++;
      await statuses.report("hub", { kind: "snapshot", seq, status: hub });
      await statuses.report("spoke", { kind: "snapshot", seq, status: spoke });
    };
    await report();
    await statuses.flush(true);
    expect(written.splice(0).sort()).toEqual(["hub", "spoke"]);
    for (let s = 1; s <= 4; s++) {
      vi.setSystemTime(Date.now() + 1000);
      await report();
      await statuses.flush(true);
    }
    expect(written.splice(0)).toEqual(["spoke", "spoke", "spoke", "spoke"]);
    const gapMs = (JSON.stringify(hub).length / (256 * 1024)) * 1000;
    vi.setSystemTime(Date.now() + gapMs);
    await statuses.flush(true);
    expect(written.splice(0)).toEqual(["hub"]);
    // what is held is always the newest, and a plain flush (shutdown, gateway.flush) writes it at once
    await report();
    expect(statuses.get("hub")?.seq).toBe(seq);
    await statuses.flush();
    expect(written.splice(0).sort()).toEqual(["hub", "spoke"]);
  });
});

describe("LatestStatuses writes", () => {
  it("writes a flush's sites in multi-row statements, and a failed statement again site by site", async () => {
    const statements: Written[] = [];
    const statuses = new LatestStatuses(fakeDb, async (queries) => {
      for (const q of queries as unknown as Written[]) {
        statements.push(q);
        // the database refuses any statement that writes site "gone" (deleted since its report)
        if (sitesOf(q).includes("gone")) throw new Error("foreign key");
      }
    });
    const spoke = hubStatus(1);
    const ids = Array.from({ length: STATUS_ROWS_PER_STATEMENT * 2 + 1 }, (_, i) => `s${i}`);
    for (const id of ids) await statuses.report(id, { kind: "snapshot", seq: 1, status: spoke });
    await statuses.flush();
    expect(statements.map((q) => ("sql" in q ? "multi" : "one"))).toEqual(["multi", "multi", "multi"]);
    expect(statements.flatMap(sitesOf).sort()).toEqual([...ids].sort());

    statements.splice(0);
    await statuses.report("gone", { kind: "snapshot", seq: 1, status: spoke });
    await statuses.report("s1", { kind: "snapshot", seq: 2, status: spoke });
    await statuses.flush();
    expect(statements.map((q) => ("sql" in q ? "multi" : "one"))).toEqual(["multi", "one", "one"]);
    expect(statuses.get("gone")).toBeNull();
    expect(statuses.get("s1")?.seq).toBe(2);
  });
});
