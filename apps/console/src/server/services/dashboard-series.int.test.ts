import { type PrismaClient, sqlDialect } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";

// The dashboard reads the last hour's registration and shortcut events on every poll. At 5,000 agents the hour
// holds tens of thousands of agent and BGP events: the read must go by the (kind, at) index, not scan them all.
let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(() => cleanup());

describe("the dashboard's event series", () => {
  it("is read through the (kind, at) index", async () => {
    if (sqlDialect(db).provider === "sqlite") {
      const plan = await db.$queryRawUnsafe<{ detail: string }[]>(
        `EXPLAIN QUERY PLAN SELECT "at", "kind" FROM "SiteEvent" WHERE "at" >= ? AND "kind" IN (?, ?)`,
        new Date(),
        "registration-up",
        "shortcut-up",
      );
      expect(plan.map((p) => p.detail).join("\n")).toContain("SiteEvent_kind_at_idx");
    } else {
      const indexes = await db.$queryRawUnsafe<{ indexdef: string }[]>(
        `SELECT indexdef FROM pg_indexes WHERE indexname = 'SiteEvent_kind_at_idx'`,
      );
      expect(indexes.map((i) => i.indexdef).join()).toMatch(/\("kind", "at"\)|\(kind, at\)/);
    }
  });
});
