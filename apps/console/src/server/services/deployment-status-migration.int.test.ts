import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { systemActor } from "./actor";
import { getDeployment, listDeployments } from "./deployments";
import { createNetwork } from "./networks";
import { saveSite } from "./sites";

/**
 * Rows written before the status vocabulary was settled ("unmanaged" items, a "stopped" deployment) are converted
 * by the deployment_status_vocabulary migration, so the services (which parse every status) can read them.
 */
let db: PrismaClient;
let cleanup: () => Promise<void>;
let siteId: string;
const actor = systemActor("test");
const admin = { role: "admin" } as const;

/** The migration as committed for this suite's provider, run statement by statement on the test database. */
async function runVocabularyMigration() {
  const provider = inject("testDatabase").provider;
  const root = path.resolve(import.meta.dirname, "../../../../..");
  const dir = path.join(root, provider === "sqlite" ? "prisma/migrations" : "prisma/postgres/migrations");
  const name = readdirSync(dir).find((d) => d.endsWith("_deployment_status_vocabulary"));
  if (!name) throw new Error("no deployment_status_vocabulary migration");
  const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n");
  for (const statement of sql.split(";").filter((s) => s.trim())) await db.$executeRawUnsafe(statement);
}

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  const network = await createNetwork(db, actor, {
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
  });
  siteId = (
    await saveSite(db, actor, {
      networkId: network.id,
      site: { name: "branch1", role: "spoke", platform: "cisco-ios", wanInterface: "Gi0/0" },
    })
  ).id;
});
afterEach(async () => {
  await cleanup();
});

async function oldDeployment(status: string, itemStatus: string, number: number) {
  const revision = await db.configRevision.create({
    data: { siteId, number, target: "cisco-ios", contentHash: `h${number}`, files: "[]", createdBy: "old" },
  });
  return db.deployment.create({
    data: {
      scope: "site",
      status,
      createdBy: "old",
      items: { create: [{ siteId, revisionId: revision.id, wave: 0, status: itemStatus }] },
    },
  });
}

describe("deployment_status_vocabulary migration", () => {
  it("turns unmanaged items into awaiting-apply and stopped deployments into failed; others are left alone", async () => {
    const agentless = await oldDeployment("succeeded", "unmanaged", 1);
    const stopped = await oldDeployment("stopped", "skipped", 2);
    const done = await oldDeployment("succeeded", "confirmed", 3);
    // before: the services refuse what they cannot name
    await expect(listDeployments(db, admin, {})).rejects.toThrow();

    await runVocabularyMigration();

    const byId = new Map((await listDeployments(db, admin, {})).map((d) => [d.id, d]));
    expect(byId.get(agentless.id)).toMatchObject({ status: "awaiting-apply", counts: { "awaiting-apply": 1 } });
    expect(byId.get(stopped.id)).toMatchObject({ status: "failed", counts: { skipped: 1 } });
    expect(byId.get(done.id)).toMatchObject({ status: "succeeded", counts: { confirmed: 1 } });
    expect((await getDeployment(db, admin, agentless.id)).items.map((i) => i.status)).toEqual(["awaiting-apply"]);
  });
});
