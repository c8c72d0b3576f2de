import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { ADMIN, signedInAdmin, signedInAs, type testClient } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";

/** Who started a deployment, told by display name to everyone but admins (as the audit log does, M4). */
let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let admin: ReturnType<typeof testClient>;
let siteId: string;

const NETWORK = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1 };
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
  const api = await admin.api();
  const { id: networkId } = await api.networks.create(NETWORK);
  siteId = (await api.sites.create({ networkId, site: HUB })).id;
  await api.deployments.create({ target: { networkId } });
  // A second one through an API token, whose actor name carries the e-mail and the token's prefix.
  const { token } = await api.apiTokens.create({ name: "ci", scope: "read-write", expiresInDays: 1 });
  await api.networks.update({ id: networkId, network: { ...NETWORK, tcpMss: 1300 } });
  const res = await fetch(`${server.url}/api/v1/deployments`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ target: { networkId } }),
  });
  expect(res.status).toBe(200);
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

async function seenBy(role: "admin" | "operator" | "viewer") {
  const client = role === "admin" ? admin : await signedInAs(db, admin, role);
  const api = await client.api();
  const list = await api.deployments.list({});
  const one = await Promise.all(list.map((d) => api.deployments.get({ id: d.id })));
  const revisions = await api.deployments.revisions({ siteId });
  const { token } = await api.apiTokens.create({ name: `${role} reader`, scope: "read", expiresInDays: 1 });
  const rest = await fetch(`${server.url}/api/v1/deployments`, { headers: { authorization: `Bearer ${token}` } });
  const restDetail = await fetch(`${server.url}/api/v1/deployments/${list[0]?.id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    creators: [...list, ...one, ...revisions].map((d) => d.createdBy),
    text: JSON.stringify([list, one, revisions, await rest.json(), await restDetail.json()]),
  };
}

describe("deployment creators", () => {
  it("are shown by e-mail to admins", async () => {
    const { creators } = await seenBy("admin");
    expect(creators).toHaveLength(6);
    for (const c of creators) expect(c).toContain(ADMIN.email);
  });

  for (const role of ["operator", "viewer"] as const) {
    it(`are shown by display name, never by e-mail, to ${role}s`, async () => {
      const { creators, text } = await seenBy(role);
      expect(creators).toHaveLength(6);
      for (const c of creators) expect(c).toMatch(new RegExp(`^${ADMIN.name}( \\(API token\\))?$`));
      expect(creators).toContain(`${ADMIN.name} (API token)`);
      expect(text).not.toContain("@example.net");
    });
  }
});
