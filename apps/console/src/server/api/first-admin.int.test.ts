import type { PrismaClient } from "@dmvpn/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { createFirstAdmin } from "../services/auth";

// Issue 11: the first-admin step checked "no users yet" and inserted in separate steps; on PostgreSQL (read
// committed) two simultaneous setup calls could both pass the check. Runs on SQLite and, through
// `npm run test:postgres`, on PostgreSQL.

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ db, cleanup } = await createTestDb()));
afterAll(() => cleanup());

describe("the first admin", () => {
  it("is created once when several setup calls race", async () => {
    for (let round = 0; round < 5; round++) {
      await db.auditEvent.deleteMany();
      await db.user.deleteMany();
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) =>
          createFirstAdmin(db, {
            email: `admin${i}@example.net`,
            name: `admin ${i}`,
            password: "correct horse battery",
          }),
        ),
      );
      const refused = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason?.message)] : []));
      expect({ round, users: await db.user.count(), won: results.length - refused.length }).toEqual({
        round,
        users: 1,
        won: 1,
      });
      for (const message of refused) expect(message).toMatch(/already has users/);
    }
  });
});
