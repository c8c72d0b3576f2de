import type { PrismaClient } from "@dmvpn/db";
import type { SiteInput } from "@dmvpn/inventory";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { systemActor } from "../services/actor";
import { createNetwork } from "../services/networks";
import type { createCaller } from "./root";

let db: PrismaClient;
let cleanup: () => Promise<void>;
let api: ReturnType<typeof createCaller>;
let networkId: string;

const NETWORK = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1 };
const hub = (n: number) => ({
  name: `hub${n}`,
  role: "hub" as const,
  platform: "vyos-1.5" as const,
  wanInterface: "eth0",
  publicAddress: `203.0.113.${n}`,
});
const spoke = (n: number, extra: Partial<SiteInput> = {}) => ({
  name: `branch${n}`,
  role: "spoke" as const,
  platform: "frr-linux" as const,
  wanInterface: "eth0",
  lanPrefixes: [`10.${n}.0.0/24`],
  ...extra,
});

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  api = await (await signedInAdmin(db)).api();
  networkId = (await api.networks.create(NETWORK)).id;
});
afterEach(() => cleanup());

describe("networks", () => {
  it("stores every setting with defaults and a generated key, readable only on request", async () => {
    const network = await api.networks.get({ id: networkId });
    expect(network).toMatchObject({
      phase: 3,
      nhrpHoldtime: 300,
      tunnelMtu: 1400,
      tcpMss: 1360,
      routing: "bgp",
      bgpAsn: 65000,
    });
    expect(network).not.toHaveProperty("ipsecPsk");
    const { ipsecPsk } = await api.networks.revealPsk({ id: networkId });
    expect(ipsecPsk).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const audit = await api.audit.list({ action: "network" });
    expect(audit.rows.map((r) => r.action)).toEqual(["network.reveal-psk", "network.create"]);
    expect(JSON.stringify(audit.rows)).not.toContain(ipsecPsk);
  });

  it("names the field in errors and keeps names unique", async () => {
    await expect(
      api.networks.create({ ...NETWORK, tunnelPrefix: "10.255.0.1/24", nhrpAuth: "toolongsecret" }),
    ).rejects.toMatchObject({
      cause: {
        issues: expect.arrayContaining([
          { path: ["tunnelPrefix"], message: "has host bits set; did you mean 10.255.0.0/24?" },
          { path: ["nhrpAuth"], message: "must be at most 8 characters (NHRP carries it in clear text)" },
        ]),
      },
    });
    await expect(api.networks.create(NETWORK)).rejects.toThrow("name: a network named corp already exists");
  });

  it("refuses a malformed body with the field named as the form knows it, before the service runs", async () => {
    // Wrong types get past TypeScript only through unknown: a REST caller sends whatever it likes.
    const badNetwork = { ...NETWORK, greKey: 4.5 } as unknown as typeof NETWORK;
    await expect(api.networks.update({ id: networkId, network: badNetwork })).rejects.toMatchObject({
      message: "greKey: must be a whole number",
      cause: { issues: [{ path: ["greKey"], message: "must be a whole number" }] },
    });
    const badSite = { ...hub(1), role: "router" } as unknown as ReturnType<typeof hub>;
    await expect(api.sites.create({ networkId, site: badSite })).rejects.toMatchObject({
      message: "role: must be hub or spoke",
      cause: { issues: [{ path: ["role"], message: "must be hub or spoke" }] },
    });
    await expect(api.sites.create({ networkId: "", site: hub(1) })).rejects.toMatchObject({
      cause: { issues: [{ path: ["networkId"] }] },
    });
    expect(await db.site.count()).toBe(0);
  });

  it("reports every problem of a form in one go: empty numbers are required, MSS against MTU at once", async () => {
    const form = { ...NETWORK, name: "bad name", greKey: "", tunnelMtu: "1400", tcpMss: "1400" };
    await expect(api.networks.create(form)).rejects.toMatchObject({
      cause: {
        issues: [
          { path: ["name"], message: expect.stringMatching(/^may contain letters/) },
          { path: ["greKey"], message: "is required" },
          { path: ["tcpMss"], message: "must be at most tunnelMtu − 40 (1360)" },
        ],
      },
    });
    expect(await db.network.count()).toBe(1);
  });

  it("the simulated demo network is not checked against real networks, nor they against it", async () => {
    // corp holds 10.255.0.0/24; a demo on the same prefix and GRE key loads, and a real network may still take it
    const demo = { name: "demo-sim", tunnelPrefix: NETWORK.tunnelPrefix, greKey: 42, nhrpNetworkId: 1 };
    await expect(createNetwork(db, systemActor("demo"), demo)).rejects.toThrow(/overlaps/);
    await createNetwork(db, systemActor("demo"), demo, { isDemo: true });
    await api.networks.delete({ id: networkId });
    await expect(api.networks.create({ ...NETWORK, name: "corp2" })).resolves.toMatchObject({ name: "corp2" });
  });

  it("refuses a new tunnel prefix that would strand existing sites", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    await expect(
      api.networks.update({ id: networkId, network: { ...NETWORK, tunnelPrefix: "10.254.0.0/24" } }),
    ).rejects.toThrow("tunnelPrefix: does not fit 1 existing site(s): hub1; change those sites first");
    expect((await api.networks.get({ id: networkId })).tunnelPrefix).toBe("10.255.0.0/24");
  });
});

describe("sites", () => {
  it("allocates tunnel addresses, hubs low, and accepts a free address set by hand", async () => {
    const created = [
      await api.sites.create({ networkId, site: hub(1) }),
      await api.sites.create({ networkId, site: spoke(1) }),
      await api.sites.create({ networkId, site: hub(2) }),
      await api.sites.create({ networkId, site: spoke(2, { tunnelAddress: "10.255.0.200" }) }),
      await api.sites.create({ networkId, site: spoke(3) }),
    ];
    expect(created.map((c) => c.tunnelAddress)).toEqual([
      "10.255.0.1",
      "10.255.0.11",
      "10.255.0.2",
      "10.255.0.200",
      "10.255.0.12",
    ]);
  });

  it("refuses conflicts with messages that name the field, and writes nothing", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    await api.sites.create({ networkId, site: spoke(1) });
    const before = await db.site.count();
    const attempt = api.sites.create({
      networkId,
      site: spoke(2, {
        tunnelAddress: "10.255.0.11",
        lanPrefixes: ["10.1.0.0/16", "10.255.0.0/25"],
        publicAddress: "203.0.113.1",
      }),
    });
    await expect(attempt).rejects.toMatchObject({
      cause: {
        issues: expect.arrayContaining([
          { path: ["tunnelAddress"], message: "10.255.0.11 is already taken by branch1" },
          { path: ["publicAddress"], message: "203.0.113.1 is already the public address of hub1" },
          { path: ["lanPrefixes", 0], message: "10.1.0.0/16 overlaps 10.1.0.0/24 of branch1" },
          { path: ["lanPrefixes", 1], message: "10.255.0.0/25 overlaps the tunnel prefix 10.255.0.0/24" },
        ]),
      },
    });
    await expect(api.sites.create({ networkId, site: { ...hub(3), publicAddress: "" } })).rejects.toThrow(
      /publicAddress: a hub needs a static public address/,
    );
    await expect(api.sites.create({ networkId, site: spoke(9, { tunnelAddress: "10.9.9.9" }) })).rejects.toThrow(
      /not a host address of the tunnel prefix/,
    );
    await expect(api.sites.create({ networkId, site: hub(1) })).rejects.toThrow(/already/);
    expect(await db.site.count()).toBe(before);
  });

  it("reports pool exhaustion", async () => {
    const small = await api.networks.create({ ...NETWORK, name: "small", tunnelPrefix: "10.254.0.0/29" });
    for (let i = 1; i <= 5; i++) await api.sites.create({ networkId: small.id, site: spoke(i + 20) });
    await expect(api.sites.create({ networkId: small.id, site: spoke(30) })).rejects.toThrow(
      /tunnelAddress: no free tunnel address left .*pool exhausted/,
    );
  });

  it("edits keep the allocated address, rename cleanly and are audited with before/after", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    const s = await api.sites.create({ networkId, site: spoke(1) });
    await api.sites.update({ id: s.id, networkId, site: spoke(1, { name: "paris", tags: ["emea"] }) });
    const after = await api.sites.get({ id: s.id });
    expect(after).toMatchObject({ name: "paris", tunnelAddress: "10.255.0.11", tags: ["emea"] });
    const event = (await api.audit.list({ action: "site.update" })).rows[0];
    expect(event).toMatchObject({ entityName: "paris", before: { name: "branch1" }, after: { name: "paris" } });
  });

  it("searches, filters, sorts numerically and pages on the server", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    for (let i = 1; i <= 12; i++)
      await api.sites.create({
        networkId,
        site: spoke(i, { tags: i % 2 ? ["odd"] : [], platform: i > 10 ? "cisco-ios" : "frr-linux" }),
      });
    const page = await api.sites.list({ sort: "tunnelAddress", direction: "desc", pageSize: 5, page: 1 });
    expect(page.total).toBe(13);
    expect(page.rows.map((r) => r.tunnelAddress)).toEqual([
      "10.255.0.22",
      "10.255.0.21",
      "10.255.0.20",
      "10.255.0.19",
      "10.255.0.18",
    ]);
    expect((await api.sites.list({ role: "hub" })).rows.map((r) => r.name)).toEqual(["hub1"]);
    expect((await api.sites.list({ tag: "odd" })).total).toBe(6);
    expect((await api.sites.list({ platform: "cisco-ios" })).rows.map((r) => r.name)).toEqual(["branch11", "branch12"]);
    expect((await api.sites.list({ search: "BRANCH1" })).total).toBe(4);
    expect((await api.sites.list({ search: "10.255.0.11" })).rows.map((r) => r.name)).toEqual(["branch1"]);
  });
});

describe("across networks", () => {
  it("refuses a second network's colliding site and network settings, naming the other network; stores nothing", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    await api.sites.create({ networkId, site: spoke(1) });
    const backup = await api.networks.create({
      name: "backup",
      tunnelPrefix: "10.254.0.0/24",
      greKey: 43,
      nhrpNetworkId: 2,
    });
    const before = { sites: await db.site.count() };

    // Also a duplicate name: reported together with the LAN clashes, not after they are fixed.
    const attempt = api.sites.create({
      networkId: backup.id,
      site: spoke(7, { name: "hub1", lanPrefixes: ["10.1.0.0/24", "10.255.0.0/28"] }),
    });
    await expect(attempt).rejects.toMatchObject({
      cause: {
        issues: expect.arrayContaining([
          { path: ["name"], message: "hub1 is already a site in network corp" },
          { path: ["lanPrefixes", 0], message: "10.1.0.0/24 overlaps 10.1.0.0/24 of branch1 in network corp" },
          {
            path: ["lanPrefixes", 1],
            message: "10.255.0.0/28 overlaps the tunnel prefix of network corp (10.255.0.0/24)",
          },
        ]),
      },
    });

    // Named like the very site its LAN clashes with: both problems, the clash naming that site.
    await expect(
      api.sites.create({ networkId: backup.id, site: spoke(8, { name: "branch1", lanPrefixes: ["10.1.0.0/24"] }) }),
    ).rejects.toMatchObject({
      cause: {
        issues: expect.arrayContaining([
          { path: ["name"], message: "branch1 is already a site in network corp" },
          { path: ["lanPrefixes", 0], message: "10.1.0.0/24 overlaps 10.1.0.0/24 of branch1 in network corp" },
        ]),
      },
    });

    // The same router (hub1's address) in both clouds is fine, until backup takes corp's GRE key.
    await api.sites.create({ networkId: backup.id, site: { ...hub(1), name: "hub1-backup" } });
    const stored = await api.networks.get({ id: backup.id });
    const sameKey = api.networks.update({
      id: backup.id,
      network: { ...NETWORK, name: "backup", tunnelPrefix: stored.tunnelPrefix, greKey: 42, nhrpNetworkId: 2 },
    });
    await expect(sameKey).rejects.toThrow(
      "greKey: 42 is also used by network corp, which shares router 203.0.113.1 (hub1-backup in backup, hub1 in corp): two multipoint GRE tunnels from one address need different keys",
    );
    await expect(api.networks.create({ ...NETWORK, name: "copy" })).rejects.toThrow(
      /tunnelPrefix: 10\.255\.0\.0\/24 overlaps the tunnel prefix 10\.255\.0\.0\/24 of network corp/,
    );
    expect(await db.site.count()).toBe(before.sites + 1);
    expect((await api.networks.get({ id: backup.id })).greKey).toBe(43);
    expect(await db.network.count()).toBe(2);
  });
});

describe("what the renderer would refuse is refused on save, naming the site", () => {
  const AUTHED = { ...NETWORK, nhrpAuth: "dmvpn1" };

  it("a site whose FRR 8.4 cannot carry the network's NHRP authentication; FRR 10 can", async () => {
    await api.networks.update({ id: networkId, network: AUTHED });
    await api.sites.create({ networkId, site: hub(1) });
    await expect(api.sites.create({ networkId, site: spoke(1) })).rejects.toMatchObject({
      cause: {
        issues: [
          {
            path: ["network"],
            message: expect.stringContaining(
              "corp nhrpAuth: branch1 runs FRR 8.4, which has no `ip nhrp authentication`",
            ),
          },
        ],
      },
    });
    expect(await db.site.count()).toBe(1);
    await api.sites.create({ networkId, site: spoke(1, { platform: "frr-linux-10" }) });
    expect(await db.site.count()).toBe(2);
  });

  it("NHRP authentication on a network with an FRR 8.4 member, accepted once every member runs FRR 10", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    const { id } = await api.sites.create({ networkId, site: spoke(1) });
    await expect(api.networks.update({ id: networkId, network: AUTHED })).rejects.toThrow(
      "nhrpAuth: branch1 runs FRR 8.4, which has no `ip nhrp authentication`",
    );
    expect((await api.networks.get({ id: networkId })).nhrpAuthSet).toBe(false);
    await api.sites.update({ id, networkId, site: spoke(1, { platform: "frr-linux-10" }) });
    await api.networks.update({ id: networkId, network: AUTHED });
    expect((await api.networks.get({ id: networkId })).nhrpAuthSet).toBe(true);
  });

  it("failover settings: stored and returned, BFD refused while a member runs IOS", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    const { id } = await api.sites.create({ networkId, site: spoke(1, { platform: "cisco-ios" }) });
    await expect(
      api.networks.update({ id: networkId, network: { ...NETWORK, bgpKeepalive: 10, bgpHoldtime: 20 } }),
    ).rejects.toMatchObject({
      cause: { issues: [{ path: ["bgpHoldtime"], message: "must be at least 3 × bgpKeepalive (30), or 0" }] },
    });
    const fast = { ...NETWORK, bgpKeepalive: 5, bgpHoldtime: 15, bfd: true };
    await expect(api.networks.update({ id: networkId, network: fast })).rejects.toThrow(/bfd: branch1 runs Cisco IOS/);
    await api.networks.update({ id: networkId, network: { ...fast, bfd: false } });
    expect(await api.networks.get({ id: networkId })).toMatchObject({ bgpKeepalive: 5, bgpHoldtime: 15, bfd: false });
    await api.sites.update({ id, networkId, site: spoke(1, { platform: "vyos-1.5" }) });
    await api.networks.update({ id: networkId, network: fast });
    expect(await api.networks.get({ id: networkId })).toMatchObject({ bfd: true });
    const yaml = await api.inventory.export({});
    expect(yaml).toContain("bgpKeepalive: 5");
    expect(yaml).toContain("bfd: true");
  });

  it("an import's render problems, at the imported row", async () => {
    await api.networks.update({ id: networkId, network: AUTHED });
    await api.sites.create({ networkId, site: hub(1) });
    const text = [
      "network,name,role,platform,wanInterface,publicAddress,lanPrefixes,tags",
      "corp,branch1,spoke,frr-linux-10,eth0,,10.1.0.0/24,",
      "corp,branch2,spoke,frr-linux,eth0,,10.2.0.0/24,",
    ].join("\n");
    const preview = await api.inventory.previewImport({ format: "csv", text });
    expect(preview.issues.map((i) => i.text)).toEqual([
      "row[3].platform: network corp nhrpAuth: branch2 runs FRR 8.4, which has no `ip nhrp authentication` (added in 10.2): clear it, or move branch2 to FRR 10 (frr-linux-10)",
    ]);
    await expect(api.inventory.applyImport({ format: "csv", text })).rejects.toThrow(/branch2 runs FRR 8\.4/);
    expect(await db.site.count()).toBe(1);
  });
});

describe("import and export", () => {
  const csv = (rows: string[]) =>
    ["network,name,role,platform,wanInterface,publicAddress,lanPrefixes,tags", ...rows].join("\n");

  it("previews every bad row and writes nothing until all rows are good", async () => {
    const text = csv([
      "corp,hub1,hub,vyos-1.5,eth0,203.0.113.1,,",
      "corp,branch1,spoke,frr-linux,eth0,,10.1.0.0/24,emea",
      "corp,branch2,spoke,frr-linux,eth0,,10.1.0.0/16,",
      "corp,branch3,spoke,vyos-1.4,eth0,,10.3.0.0/24,",
    ]);
    const preview = await api.inventory.previewImport({ format: "csv", text });
    expect(preview.issues.map((i) => i.text)).toEqual([
      "row[3].lanPrefixes[0]: 10.1.0.0/24 overlaps 10.1.0.0/16 of branch2",
      "row[4].lanPrefixes[0]: 10.1.0.0/16 overlaps 10.1.0.0/24 of branch1",
    ]);
    await expect(api.inventory.applyImport({ format: "csv", text })).rejects.toThrow(/row\[3\]\.lanPrefixes\[0\]/);
    expect(await db.site.count()).toBe(0);

    const good = text.replace("10.1.0.0/16", "10.2.0.0/16");
    const ok = await api.inventory.previewImport({ format: "csv", text: good });
    expect(ok.issues).toEqual([]);
    expect(ok.counts).toEqual({ create: 4, update: 0, unchanged: 0 });
    const applied = await api.inventory.applyImport({ format: "csv", text: good });
    expect(applied.counts.create).toBe(4);
    expect((await api.sites.list({ sort: "tunnelAddress" })).rows.map((r) => [r.name, r.tunnelAddress])).toEqual([
      ["hub1", "10.255.0.1"],
      ["branch1", "10.255.0.11"],
      ["branch2", "10.255.0.12"],
      ["branch3", "10.255.0.13"],
    ]);
  });

  it("exports YAML that imports back as unchanged, without the key unless an admin asks", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    await api.sites.create({ networkId, site: spoke(1, { tags: ["emea"], latitude: 48.85, longitude: 2.35 }) });
    const yaml = await api.inventory.export({});
    expect(yaml).toContain("name: branch1");
    expect(yaml).not.toContain("ipsecPsk");
    const again = await api.inventory.previewImport({ format: "yaml", text: yaml });
    expect(again.issues).toEqual([]);
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 3 });
    const secret = await api.inventory.exportWithSecrets({});
    const { ipsecPsk } = await api.networks.revealPsk({ id: networkId });
    expect(secret).toContain(`ipsecPsk: ${ipsecPsk}`);
  });

  it("moves a site to another network on import, re-allocating its tunnel address", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    const lab = await api.networks.create({ ...NETWORK, name: "lab", tunnelPrefix: "10.250.0.0/24" });
    await api.sites.create({ networkId: lab.id, site: spoke(5) });
    await api.inventory.applyImport({ format: "csv", text: csv(["corp,branch5,spoke,frr-linux,eth0,,10.5.0.0/24,"]) });
    const moved = await db.site.findUniqueOrThrow({ where: { name: "branch5" } });
    expect([moved.networkId, moved.tunnelAddress]).toEqual([networkId, "10.255.0.11"]);
  });

  it("rolls back a whole import when a write fails midway", async () => {
    await api.sites.create({ networkId, site: hub(1) });
    // The database itself refuses the second site, after the first was written inside the transaction.
    if (inject("testDatabase").provider === "sqlite") {
      await db.$executeRawUnsafe(
        `CREATE TRIGGER refuse_branch8 BEFORE INSERT ON "Site" WHEN NEW.name = 'branch8' BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`,
      );
    } else {
      await db.$executeRawUnsafe(
        `CREATE FUNCTION refuse_branch8() RETURNS trigger AS $$ BEGIN IF NEW.name = 'branch8' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await db.$executeRawUnsafe(
        `CREATE TRIGGER refuse_branch8 BEFORE INSERT ON "Site" FOR EACH ROW EXECUTE FUNCTION refuse_branch8()`,
      );
    }
    const text = csv([
      "corp,branch7,spoke,frr-linux,eth0,,10.7.0.0/24,",
      "corp,branch8,spoke,frr-linux,eth0,,10.8.0.0/24,",
    ]);
    await expect(api.inventory.applyImport({ format: "csv", text })).rejects.toThrow();
    expect((await db.site.findMany({ orderBy: { name: "asc" } })).map((s) => s.name)).toEqual(["hub1"]);
    expect(await db.auditEvent.count({ where: { action: "inventory.import" } })).toBe(0);
  });
});

describe("audit export", () => {
  it("exports the filtered log as CSV and JSON with secrets redacted and formulas neutralised", async () => {
    await api.sites.create({ networkId, site: { ...hub(1), notes: "=cmd|' /C calc'!A0" } });
    await api.networks.revealPsk({ id: networkId });
    const csv = await api.audit.export({ format: "csv", entityType: "site" });
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe("at,actorType,actorName,action,entityType,entityName,entityId,networkId,before,after");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("site.create");
    expect(csv).not.toContain(',"=cmd'); // a formula-looking cell is prefixed so spreadsheets show it as text
    const json = JSON.parse(await api.audit.export({ format: "json" })) as { action: string; after: string }[];
    expect(json.map((e) => e.action)).toEqual([
      "network.reveal-psk",
      "site.create",
      "network.create",
      "session.sign-in",
      "user.create-first-admin",
    ]);
    const { ipsecPsk } = await api.networks.revealPsk({ id: networkId });
    expect(JSON.stringify(json)).not.toContain(ipsecPsk);
    expect(JSON.parse(json.find((e) => e.action === "network.create")?.after ?? "{}")).toMatchObject({
      ipsecPsk: "[redacted]",
    });
  });
});
