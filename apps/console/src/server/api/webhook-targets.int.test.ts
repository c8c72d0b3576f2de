import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { sealSecret } from "../services/secrets";
import { deliverDueWebhooks, enqueueWebhookEvent } from "../services/webhooks";

let db: PrismaClient;
let cleanup: () => Promise<void>;
const servers: Server[] = [];
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const s of servers.splice(0)) s.close();
  await cleanup();
});

/** A receiver on loopback that counts what reaches it: the thing a port scan or SSRF would hit. */
async function internalService() {
  let hits = 0;
  const srv = createServer((_req, res) => {
    hits++;
    res.writeHead(204).end();
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return { port: (srv.address() as AddressInfo).port, hits: () => hits };
}

/** A webhook row as an older console (or a direct database edit) could have stored it, bypassing creation checks. */
async function storedWebhook(url: string) {
  const row = await db.webhook.create({
    data: {
      name: "stored",
      url,
      events: JSON.stringify(["deployment.failed"]),
      secret: sealSecret("whsec_x"),
      createdBy: "t",
    },
  });
  await enqueueWebhookEvent(db, "deployment.failed", { deploymentId: "d1" });
  return row;
}

describe("L2: webhook targets", () => {
  const refused = [
    "http://127.0.0.1:22/",
    "http://localhost:8080/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0:3000/",
    "http://224.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[::]/",
  ];

  it.each(refused)("refuses %s at creation and at update", async (url) => {
    const api = await (await signedInAdmin(db)).api();
    await expect(api.webhooks.create({ name: "x", url, events: ["site.offline"] })).rejects.toThrow(
      /url: .*(private|loopback|link-local|unspecified|multicast|shared)/,
    );
    expect(await db.webhook.count()).toBe(0);
    const ok = await api.webhooks.create({ name: "ok", url: "https://203.0.113.10/hook", events: ["site.offline"] });
    await expect(
      api.webhooks.update({ id: ok.id, webhook: { name: "ok", url, events: ["site.offline"] } }),
    ).rejects.toThrow(/url: /);
    expect((await db.webhook.findUniqueOrThrow({ where: { id: ok.id } })).url).toBe("https://203.0.113.10/hook");
  });

  it("link-local and unspecified stay refused even when private targets are allowed", async () => {
    vi.stubEnv("WEBHOOK_ALLOW_PRIVATE", "true");
    const api = await (await signedInAdmin(db)).api();
    for (const url of ["http://169.254.169.254/", "http://[fe80::1]/", "http://0.0.0.0/", "http://224.0.0.1/"]) {
      await expect(api.webhooks.create({ name: "x", url, events: ["site.offline"] })).rejects.toThrow(/url: /);
    }
    await api.webhooks.create({ name: "lan", url: "http://10.1.2.3/hook", events: ["site.offline"] });
    expect(await db.webhook.count()).toBe(1);
  });

  it("refuses the console's own port on its own addresses even when private targets are allowed", async () => {
    vi.stubEnv("WEBHOOK_ALLOW_PRIVATE", "true");
    vi.stubEnv("PORT", "4567");
    const api = await (await signedInAdmin(db)).api();
    await expect(
      api.webhooks.create({ name: "self", url: "http://127.0.0.1:4567/api/v1/sites", events: ["site.offline"] }),
    ).rejects.toThrow(/url: .*console itself/);
  });

  it("checks again at delivery: a stored loopback URL is never contacted", async () => {
    const target = await internalService();
    await storedWebhook(`http://127.0.0.1:${target.port}/`);
    await deliverDueWebhooks(db);
    expect(target.hits()).toBe(0);
    expect((await db.webhookDelivery.findFirstOrThrow()).lastError).toBe("refused: private address");
  });

  it("connects to the address it checked: a name that rebinds to loopback at delivery is refused", async () => {
    const target = await internalService();
    await storedWebhook(`http://rebind.example:${target.port}/`);
    // The name resolved to a public address when the webhook was created; now it answers with loopback.
    const resolve = vi.fn(async () => [{ address: "127.0.0.1", family: 4 }]);
    await deliverDueWebhooks(db, { resolve });
    expect(resolve).toHaveBeenCalledWith("rebind.example");
    expect(target.hits()).toBe(0);
    expect((await db.webhookDelivery.findFirstOrThrow()).lastError).toBe("refused: private address");

    // Allowed private targets: the delivery goes to exactly the address the check saw.
    vi.stubEnv("WEBHOOK_ALLOW_PRIVATE", "true");
    await db.webhookDelivery.updateMany({ data: { nextAttemptAt: new Date(0) } });
    await deliverDueWebhooks(db, { resolve });
    expect(target.hits()).toBe(1);
    expect(await db.webhookDelivery.findFirstOrThrow()).toMatchObject({ status: "delivered", lastError: null });
  });

  it("logs a generic error class, never the raw connection error", async () => {
    vi.stubEnv("WEBHOOK_ALLOW_PRIVATE", "true");
    const closed = await internalService();
    servers.pop()?.close();
    await storedWebhook(`http://127.0.0.1:${closed.port}/`);
    await deliverDueWebhooks(db);
    const { lastError } = await db.webhookDelivery.findFirstOrThrow();
    expect(lastError).toBe("connection refused");

    // Rows written by an older console kept the raw text ("connect ECONNREFUSED 10.0.0.5:22"): not shown either.
    await db.webhookDelivery.updateMany({ data: { lastError: "connect ECONNREFUSED 10.0.0.5:22" } });
    const api = await (await signedInAdmin(db)).api();
    const { rows } = await api.webhooks.deliveries({});
    expect(rows[0]?.lastError).toBe("request failed");
  });
});
