import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, signedInAs, type testClient } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";

/** The NHRP authentication key is a secret like the pre-shared key (issue 11, H1). */
let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let admin: ReturnType<typeof testClient>;
let networkId: string;

const NHRP_KEY = "nhrpK3y!";
const NETWORK = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1, nhrpAuth: NHRP_KEY };
const HUB = {
  name: "hub1",
  role: "hub",
  platform: "vyos-1.5",
  wanInterface: "eth0",
  publicAddress: "203.0.113.1",
} as const;

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  admin = await signedInAdmin(db);
  networkId = (await (await admin.api()).networks.create(NETWORK)).id;
  await (await admin.api()).sites.create({ networkId, site: HUB });
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

const storedKey = async () => (await db.network.findUniqueOrThrow({ where: { id: networkId } })).nhrpAuth;

const restGet = async (path: string, token: string) => {
  const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.text();
};

describe("the NHRP authentication key", () => {
  it("is not returned to viewers or operators by networks.get, the list, REST or the export", async () => {
    for (const role of ["viewer", "operator"] as const) {
      const client = await signedInAs(db, admin, role);
      const api = await client.api();
      const network = await api.networks.get({ id: networkId });
      expect(network).not.toHaveProperty("nhrpAuth");
      expect(network.nhrpAuthSet).toBe(true);
      expect(JSON.stringify(await api.networks.list())).not.toContain(NHRP_KEY);
      expect(await api.inventory.export({})).not.toContain(NHRP_KEY);
      const { token } = await api.apiTokens.create({ name: `${role} ci`, scope: "read", expiresInDays: 1 });
      expect(await restGet(`/networks/${networkId}`, token)).not.toContain(NHRP_KEY);
      expect(await restGet("/networks", token)).not.toContain(NHRP_KEY);
      expect(await restGet("/inventory/export", token)).not.toContain(NHRP_KEY);
    }
  });

  it("is not returned to admins either unless they ask, and asking is audited", async () => {
    const api = await admin.api();
    expect(await api.networks.get({ id: networkId })).not.toHaveProperty("nhrpAuth");
    expect(await api.inventory.export({})).not.toContain("nhrpAuth");
    expect(await api.inventory.exportWithSecrets({})).toContain(`nhrpAuth: ${NHRP_KEY}`);
    expect(await db.auditEvent.count({ where: { action: "inventory.export-with-secrets" } })).toBe(1);
    expect((await api.networks.revealPsk({ id: networkId })).nhrpAuth).toBe(NHRP_KEY);
    expect(await db.auditEvent.count({ where: { action: "network.reveal-psk" } })).toBe(1);
  });

  it("never appears in the audit log's before and after", async () => {
    const api = await admin.api();
    await api.networks.update({ id: networkId, network: { ...NETWORK, nhrpAuth: "nhrpNew2" } });
    const events = await db.auditEvent.findMany({ where: { action: { startsWith: "network." } } });
    expect(events.map((e) => e.action).sort()).toEqual(["network.create", "network.update"]);
    const text = JSON.stringify(events);
    expect(text).not.toContain(NHRP_KEY);
    expect(text).not.toContain("nhrpNew2");
    expect(JSON.stringify(await api.audit.list({}))).not.toContain(NHRP_KEY);
  });

  it("is kept when a network is saved without it, and cleared only by an explicit null", async () => {
    const operator = await (await signedInAs(db, admin, "operator")).api();
    const { nhrpAuth: _left, ...withoutKey } = NETWORK;
    await operator.networks.update({ id: networkId, network: { ...withoutKey, description: "edited" } });
    expect(await storedKey()).toBe(NHRP_KEY);
    // What the network form sends back after loading networks.get: every field it received.
    const { id: _id, isDemo: _demo, nhrpAuthSet: _set, ...shown } = await operator.networks.get({ id: networkId });
    await operator.networks.update({ id: networkId, network: shown });
    expect(await storedKey()).toBe(NHRP_KEY);
    await operator.networks.update({ id: networkId, network: { ...withoutKey, nhrpAuth: null } });
    expect(await storedKey()).toBeNull();
  });

  it("is kept when an export without keys is imported back", async () => {
    const api = await admin.api();
    const exported = await api.inventory.export({});
    expect(exported).not.toContain("nhrpAuth");
    // Also an older export that still listed the field: the record without it is what counts.
    const yaml = exported.replace(/^ *nhrpAuth:.*\n/m, "");
    const preview = await api.inventory.previewImport({ format: "yaml", text: yaml });
    expect(preview.issues).toEqual([]);
    expect(preview.counts).toEqual({ create: 0, update: 0, unchanged: 2 });
    await api.inventory.applyImport({ format: "yaml", text: yaml.replace("greKey: 42", "greKey: 43") });
    const row = await db.network.findUniqueOrThrow({ where: { id: networkId } });
    expect([row.greKey, row.nhrpAuth]).toEqual([43, NHRP_KEY]);
  });
});
