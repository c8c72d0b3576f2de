import type { PrismaClient } from "@dmvpn/db";
import { emptySiteStatus } from "@dmvpn/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { networkWithSpokes } from "../../../test/inventory";
import { BatchWriter } from "../gateway/batch-writer";
import { LatestStatuses, loadStoredStatus, upsertStatusesQuery } from "./site-status";

// The latest statuses go out as multi-row raw upserts (issue 13): the same rows Prisma's upsert would write, on
// SQLite and PostgreSQL (npm run test:postgres), read back through Prisma.
let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(() => cleanup());

async function sites(count: number) {
  return (await networkWithSpokes(await (await signedInAdmin(db)).api(), count)).siteIds;
}

const at = (s: number) => new Date(Date.parse("2026-06-01T00:00:00.000Z") + s * 1000);
const statusJson = (tag: string) => JSON.stringify({ tag });

describe("upsertStatusesQuery", () => {
  it("inserts new sites' statuses and replaces existing ones, dates and all", async () => {
    const [a, b, c] = await sites(3);
    await upsertStatusesQuery(db, [
      { siteId: a!, seq: 1, status: statusJson("a1"), collectedAt: at(1), receivedAt: at(2) },
      { siteId: b!, seq: 7, status: statusJson("b7"), collectedAt: at(3), receivedAt: at(4) },
    ]);
    await upsertStatusesQuery(db, [
      { siteId: a!, seq: 2, status: statusJson("a2"), collectedAt: at(5), receivedAt: at(6) },
      { siteId: c!, seq: 1, status: statusJson("c1"), collectedAt: at(7), receivedAt: at(8) },
    ]);
    const rows = await db.siteStatus.findMany();
    const byId = new Map(rows.map((r) => [r.siteId, r]));
    expect(rows).toHaveLength(3);
    expect(byId.get(a!)).toMatchObject({ seq: 2, status: statusJson("a2"), collectedAt: at(5), receivedAt: at(6) });
    expect(byId.get(b!)).toMatchObject({ seq: 7, status: statusJson("b7"), collectedAt: at(3), receivedAt: at(4) });
    expect(byId.get(c!)).toMatchObject({ seq: 1, collectedAt: at(7), receivedAt: at(8) });
    // ordered and compared like Prisma's own dates
    const newest = await db.siteStatus.findFirst({ where: { receivedAt: { gt: at(6) } } });
    expect(newest?.siteId).toBe(c);
  });

  it("fails for a site that does not exist (the caller then writes site by site)", async () => {
    await expect(
      upsertStatusesQuery(db, [{ siteId: "gone", seq: 1, status: "{}", collectedAt: at(1), receivedAt: at(1) }]),
    ).rejects.toThrow();
  });
});

describe("LatestStatuses on a real database", () => {
  it("writes every dirty site in a flush; a deleted site's status is dropped and the rest are stored", async () => {
    const ids = await sites(4);
    const writer = new BatchWriter(db);
    const statuses = new LatestStatuses(db, (q) => writer.write(q));
    const status = emptySiteStatus(at(0).toISOString());
    for (const id of ids) await statuses.report(id, { kind: "snapshot", seq: 3, status });
    await db.site.delete({ where: { id: ids[0]! } });
    await statuses.flush();
    await writer.flush();
    expect((await db.siteStatus.findMany()).map((r) => r.siteId).sort()).toEqual(ids.slice(1).sort());
    expect(await loadStoredStatus(db, ids[1]!)).toEqual({ seq: 3, status });
    expect(statuses.get(ids[0]!)).toBeNull();
  });
});
