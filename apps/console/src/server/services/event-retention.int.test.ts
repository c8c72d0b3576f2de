import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { networkWithSpokes } from "../../../test/inventory";
import { pruneSiteEvents } from "./site-status";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(() => cleanup());

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-01T00:00:00Z");

async function siteWithEvents(ages: number[]) {
  const { networkId, siteIds } = await networkWithSpokes(await (await signedInAdmin(db)).api(), 1);
  const siteId = siteIds[0]!;
  await db.siteEvent.createMany({
    data: ages.map((ageMs, i) => ({
      siteId,
      networkId,
      kind: "agent-online",
      at: new Date(NOW - ageMs),
      detail: `{"i":${i}}`,
    })),
  });
  return siteId;
}

describe("event retention", () => {
  it("deletes events older than the age limit and keeps the rest", async () => {
    await siteWithEvents([1 * DAY, 29 * DAY, 31 * DAY, 400 * DAY]);
    expect(await pruneSiteEvents(db, { maxAgeDays: 30, maxRows: 1000 }, NOW)).toBe(2);
    const left = await db.siteEvent.findMany({ orderBy: { at: "desc" } });
    expect(left.map((e) => (NOW - e.at.getTime()) / DAY)).toEqual([1, 29]);
  });

  it("keeps at most maxRows, the newest", async () => {
    await siteWithEvents(Array.from({ length: 10 }, (_, i) => (i + 1) * 60_000));
    expect(await pruneSiteEvents(db, { maxAgeDays: 30, maxRows: 4 }, NOW)).toBe(6);
    const left = await db.siteEvent.findMany({ orderBy: { at: "desc" } });
    expect(left.map((e) => (NOW - e.at.getTime()) / 60_000)).toEqual([1, 2, 3, 4]);
    expect(await pruneSiteEvents(db, { maxAgeDays: 30, maxRows: 4 }, NOW)).toBe(0);
  });
});
