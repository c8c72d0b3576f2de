import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { ADMIN, signedInAdmin, signedInAs } from "../../../test/caller";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(() => cleanup());

/** A receiver URL that carries its credential three ways: userinfo, a path token (Slack-style) and a query. */
const SECRET_URL = "https://hookuser:PASSWORD1@203.0.113.10:8443/services/T01/B02/PATHTOKEN3?token=QUERYTOKEN4";
const SECRETS = ["hookuser", "PASSWORD1", "PATHTOKEN3", "QUERYTOKEN4", "services/T01"];

function expectNoUrlSecret(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("M4: webhook URLs in the audit log", () => {
  it("are written without userinfo, path or query, for every role and in exports", async () => {
    const admin = await signedInAdmin(db);
    const api = await admin.api();
    const hook = await api.webhooks.create({ name: "ops", url: SECRET_URL, events: ["site.offline"] });
    await api.webhooks.update({
      id: hook.id,
      webhook: { name: "ops", url: `${SECRET_URL}&v=2`, events: ["site.offline", "site.online"] },
    });
    await api.webhooks.delete({ id: hook.id });
    const viewer = await (await signedInAs(db, admin, "viewer")).api();

    const stored = await db.auditEvent.findMany({ where: { entityType: "webhook" } });
    expect(stored).toHaveLength(3);
    expectNoUrlSecret(JSON.stringify(stored));
    expect(JSON.parse(stored.find((e) => e.action === "webhook.create")?.after ?? "{}")).toMatchObject({
      url: "https://203.0.113.10:8443/[redacted]",
    });
    for (const reader of [api, viewer]) {
      expectNoUrlSecret(JSON.stringify(await reader.audit.list({ entityType: "webhook" })));
      expectNoUrlSecret(await reader.audit.export({ format: "csv" }));
      expectNoUrlSecret(await reader.audit.export({ format: "json" }));
    }
  });

  it("records written before the fix are redacted when read", async () => {
    const admin = await signedInAdmin(db);
    await db.auditEvent.create({
      data: {
        actorType: "user",
        actorName: ADMIN.email,
        action: "webhook.create",
        entityType: "webhook",
        entityName: "old",
        after: JSON.stringify({ name: "old", url: SECRET_URL, events: ["site.offline"] }),
        before: JSON.stringify({ url: SECRET_URL, nested: { url: SECRET_URL } }),
      },
    });
    const viewer = await (await signedInAs(db, admin, "viewer")).api();
    for (const reader of [await admin.api(), viewer]) {
      const { rows } = await reader.audit.list({ entityType: "webhook" });
      expect(rows).toHaveLength(1);
      expectNoUrlSecret(JSON.stringify(rows));
      expect(rows[0]?.after).toMatchObject({ url: "https://203.0.113.10:8443/[redacted]" });
      expectNoUrlSecret(await reader.audit.export({ format: "csv" }));
    }
  });
});

describe("M4: what each role reads in the audit log", () => {
  async function consoleWithHistory() {
    const admin = await signedInAdmin(db);
    const operator = await signedInAs(db, admin, "operator");
    const viewer = await signedInAs(db, admin, "viewer");
    await (await operator.api()).networks.create({
      name: "corp",
      tunnelPrefix: "10.255.0.0/24",
      greKey: 42,
      nhrpNetworkId: 1,
    });
    return { admin: await admin.api(), operator: await operator.api(), viewer: await viewer.api() };
  }
  const EMAILS = [ADMIN.email, "operator@example.net", "viewer@example.net"];

  it("admins see e-mails and user-management details", async () => {
    const { admin } = await consoleWithHistory();
    const { rows } = await admin.audit.list({ pageSize: 200 });
    const text = JSON.stringify(rows);
    for (const email of EMAILS) expect(text).toContain(email);
    const created = rows.find((r) => r.action === "user.create" && r.entityName === "viewer@example.net");
    expect(created?.after).toMatchObject({ email: "viewer@example.net", role: "viewer" });
    expect((await admin.audit.list({ actor: "operator@example" })).total).toBeGreaterThan(0);
  });

  for (const role of ["operator", "viewer"] as const) {
    it(`${role}s see display names, never e-mails, and no user-management details`, async () => {
      const clients = await consoleWithHistory();
      const reader = clients[role];
      const { rows, total } = await reader.audit.list({ pageSize: 200 });
      expect(total).toBeGreaterThan(5);
      const texts = [
        JSON.stringify(rows),
        await reader.audit.export({ format: "csv" }),
        await reader.audit.export({ format: "json" }),
      ];
      for (const text of texts) for (const email of EMAILS) expect(text).not.toContain(email);
      expect(rows.find((r) => r.action === "network.create")?.actorName).toBe("operator");
      expect(rows.find((r) => r.action === "user.create-first-admin")?.actorName).toBe(ADMIN.name);
      for (const r of rows.filter((r) => r.entityType === "user")) {
        expect(r.before).toBeNull();
        expect(r.after).toBeNull();
      }
      // The actor filter must not work as an oracle for e-mail addresses; it matches display names instead.
      expect((await reader.audit.list({ actor: "operator@example" })).total).toBe(0);
      expect((await reader.audit.list({ actor: "operator", action: "network." })).total).toBe(1);
    });
  }
});
