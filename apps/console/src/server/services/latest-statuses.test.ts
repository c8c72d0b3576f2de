import type { Db } from "@dmvpn/db";
import { hubStatus } from "@dmvpn/protocol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LatestStatuses } from "./site-status";

// The upsert query objects are only built here (the writer would run them): a stand-in database records them.
const fakeDb = { siteStatus: { upsert: (args: { where: { siteId: string } }) => args } } as unknown as Db;

afterEach(() => vi.useRealTimers());

describe("LatestStatuses write spacing", () => {
  it("writes a small status at every flush, and a hub's megabytes at most every size/rate seconds", async () => {
    vi.useFakeTimers();
    const written: string[] = [];
    const statuses = new LatestStatuses(
      fakeDb,
      async (queries) => {
        for (const q of queries) written.push((q as unknown as { where: { siteId: string } }).where.siteId);
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
