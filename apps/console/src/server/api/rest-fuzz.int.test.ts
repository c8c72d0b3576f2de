import type { PrismaClient } from "@dmvpn/db";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { openApiDocument } from "./openapi";

/** Hostile inputs: SQL/shell/path injection, unicode, control characters, prototype keys, huge strings. */
const hostileString = fc.oneof(
  fc.constantFrom("valueOf", "toString", "hasOwnProperty", "__proto__", "constructor"),
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE Network; --',
    "$(reboot)",
    "../../etc/passwd",
    "%00",
    "\u0000\u202e\ud83d\ude00",
    "__proto__",
    "constructor",
    "<script>alert(1)</script>",
    "10.255.0.0/33",
    "9".repeat(400),
  ),
  fc.nat(5).map((n) => "A".repeat(10 ** n)),
);
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }),
  ),
})).value;
const body = fc.oneof(
  fc
    .dictionary(
      fc.oneof(hostileString, fc.constantFrom("name", "networkId", "site", "network", "format", "text")),
      hostileValue,
    )
    .map((o) => JSON.stringify(o)),
  hostileValue.map((v) => JSON.stringify(v)),
  hostileString, // not JSON at all
);

let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let token: string;

const counts = async () =>
  Promise.all([
    db.network.count(),
    db.site.count(),
    db.user.count(),
    db.apiToken.count(),
    // an admin's export with keys is a read that is audited on purpose; every other audit row would be a change
    db.auditEvent.count({ where: { action: { not: "inventory.export-with-secrets" } } }),
  ]);

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  const admin = await signedInAdmin(db);
  const api = await admin.api();
  const { id: networkId } = await api.networks.create({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
  });
  await api.sites.create({
    networkId,
    site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
  });
  // An admin read-write token: every route is allowed, so the inputs reach validation.
  token = (await api.apiTokens.create({ name: "fuzz", scope: "read-write", expiresInDays: 1 })).token;
});
afterAll(async () => {
  await server.close();
  await cleanup();
});

const operations = Object.entries(openApiDocument().paths ?? {}).flatMap(([path, methods]) =>
  Object.keys(methods ?? {}).map((method) => ({ path, method: method.toUpperCase() })),
);
const RUNS = 40;
let requests = 0;

describe("REST routes under hostile input", () => {
  it.each(operations)(
    "$method $path answers 4xx with a message, never 5xx, and changes nothing",
    async ({ path, method }) => {
      const before = await counts();
      await fc.assert(
        fc.asyncProperty(
          hostileString,
          fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
          body,
          async (id, query, payload) => {
            const url = new URL(`${server.url}/api/v1${path.replace("{id}", encodeURIComponent(id))}`);
            for (const [k, v] of Object.entries(query)) url.searchParams.append(k, v);
            const res = await fetch(url, {
              method,
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: method === "GET" || method === "DELETE" ? undefined : payload,
            });
            requests++;
            const text = await res.text();
            expect(res.status, text.slice(0, 300)).toBeLessThan(500);
            // A URL too long for Node's HTTP parser is refused at the protocol level (431, no body); the rest is JSON.
            if (res.status >= 400 && res.status !== 431) expect(JSON.parse(text).message).toEqual(expect.any(String));
          },
        ),
        { numRuns: RUNS },
      );
      expect(await counts()).toEqual(before);
    },
  );

  it("sent every request", () => {
    expect(requests).toBeGreaterThanOrEqual(operations.length * RUNS);
    console.log(`REST fuzz: ${operations.length} operations × ${RUNS} runs = ${requests} requests, 0 server errors`);
  });
});
