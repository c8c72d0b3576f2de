import { emptySiteStatus, type SiteStatus } from "@dmvpn/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixtureSite, ipsecSa, nhrpEntry } from "./topology-fixtures";
import {
  applyTopologyDelta,
  attentionScore,
  buildTopology,
  diffTopology,
  freshnessOf,
  isEmptyDelta,
  type TopologyInput,
  type TopologyReport,
  type TopologySite,
} from "./topology-model";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const INTERVAL = 10_000;

function site(id: string, role: "hub" | "spoke", n: number, publicAddress: string | null = `203.0.113.${n}`) {
  return fixtureSite(id, role, { tunnel: `10.255.0.${n}`, public: publicAddress });
}

const HUB_NBMA = "203.0.113.1";
const hub = site("hub1", "hub", 1, HUB_NBMA);
const a = site("a", "spoke", 11);
const b = site("b", "spoke", 12);
const c = site("c", "spoke", 13, null);

const cache = nhrpEntry;
const sa = (remote: string) => ipsecSa(remote);

/** A spoke registered with hub1 (unless told otherwise), with an SA to it and shortcuts to `peers`. */
function spokeStatus(
  self: TopologySite,
  opts: { registered?: boolean; saUp?: boolean; peers?: { s: TopologySite; expires: number }[]; nbma?: string } = {},
): SiteStatus {
  const registered = opts.registered ?? true;
  const nbma = opts.nbma ?? self.publicAddress ?? "198.51.100.99";
  const status = emptySiteStatus(new Date(NOW).toISOString());
  status.nhrpCache.push(cache("local", self.tunnelAddress, nbma));
  status.nhs.push({
    interface: "gre1",
    nbma: HUB_NBMA,
    protocolAddress: registered ? hub.tunnelAddress : null,
    registered,
  });
  if (registered && opts.saUp !== false) status.ipsecSas.push(sa(HUB_NBMA));
  status.bgpNeighbors.push({
    address: hub.tunnelAddress,
    remoteAs: 65000,
    state: registered ? "Established" : "Active",
    prefixesReceived: null,
    uptimeSeconds: registered ? 30 : null,
  });
  for (const p of opts.peers ?? []) {
    const peerNbma = p.s.publicAddress ?? "198.51.100.98";
    status.nhrpCache.push(cache("dynamic", p.s.tunnelAddress, peerNbma, p.expires));
    status.ipsecSas.push(sa(peerNbma));
  }
  return status;
}

const report = (s: TopologySite, status: SiteStatus, ageMs = 0): TopologyReport => ({
  siteId: s.id,
  status,
  receivedAt: NOW - ageMs,
});

function input(reports: TopologyReport[], extra: Partial<TopologyInput> = {}): TopologyInput {
  return {
    sites: [hub, a, b, c],
    reports,
    agents: [hub, a, b, c].map((s) => ({ siteId: s.id, connected: true })),
    now: NOW,
    reportIntervalMs: INTERVAL,
    ...extra,
  };
}

describe("buildTopology", () => {
  it("draws one hub–spoke edge per hub and spoke, coloured by registration and SA", () => {
    const g = buildTopology(
      input([
        report(a, spokeStatus(a)),
        report(b, spokeStatus(b, { saUp: false })),
        report(c, spokeStatus(c, { registered: false })),
      ]),
    );
    const edge = (id: string) => g.edges.find((e) => e.id === `hs:hub1:${id}`);
    expect(g.edges.filter((e) => e.kind === "hub-spoke")).toHaveLength(3);
    expect(edge("a")).toMatchObject({
      state: "up",
      registered: true,
      saUp: true,
      bgpState: "Established",
      saBytes: 150,
    });
    expect(edge("b")).toMatchObject({ state: "degraded", registered: true, saUp: false });
    expect(edge("c")).toMatchObject({ state: "down", registered: false });
    expect(g.nodes.find((n) => n.id === "hub1")?.registered).toBe(2);
  });

  it("falls back to the hub's NHRP cache when the spoke has not reported", () => {
    const hubStatus = emptySiteStatus(new Date(NOW).toISOString());
    hubStatus.nhrpCache.push(cache("dynamic", a.tunnelAddress, a.publicAddress ?? "", 200));
    hubStatus.ipsecSas.push(sa(a.publicAddress ?? ""));
    const g = buildTopology(input([report(hub, hubStatus)]));
    expect(g.edges.find((e) => e.id === "hs:hub1:a")).toMatchObject({ state: "up", registered: true, saUp: true });
    expect(g.edges.find((e) => e.id === "hs:hub1:b")).toMatchObject({ state: "down", registered: false });
  });

  it("draws a spoke-to-spoke shortcut once, whichever side (or both) reports it", () => {
    const both = buildTopology(
      input([
        report(a, spokeStatus(a, { peers: [{ s: b, expires: 100 }] })),
        report(b, spokeStatus(b, { peers: [{ s: a, expires: 120 }] })),
      ]),
    );
    const shortcuts = both.edges.filter((e) => e.kind === "shortcut");
    expect(shortcuts).toHaveLength(1);
    expect(shortcuts[0]).toMatchObject({
      id: "sc:a~b",
      source: "a",
      target: "b",
      state: "up",
      expiresAt: NOW + 120_000,
    });
    const one = buildTopology(input([report(b, spokeStatus(b, { peers: [{ s: a, expires: 50 }] }))]));
    expect(one.edges.filter((e) => e.kind === "shortcut").map((e) => e.id)).toEqual(["sc:a~b"]);
    expect(both.nodes.find((n) => n.id === "a")?.shortcuts).toBe(1);
  });

  it("ignores dynamic entries for hubs and addresses outside the network", () => {
    const status = spokeStatus(a);
    status.nhrpCache.push(cache("dynamic", hub.tunnelAddress, HUB_NBMA, 100));
    status.nhrpCache.push(cache("dynamic", "10.9.9.9", "192.0.2.9", 100));
    const g = buildTopology(input([report(a, status)]));
    expect(g.edges.filter((e) => e.kind === "shortcut")).toEqual([]);
  });

  it("drops a shortcut whose holdtime ran out since the report was collected", () => {
    const status = spokeStatus(a, { peers: [{ s: b, expires: 5 }] });
    const at = (now: number) =>
      buildTopology(input([report(a, status)], { now })).edges.filter((e) => e.kind === "shortcut");
    expect(at(NOW + 2_000).map((e) => e.expiresAt)).toEqual([NOW + 5_000]);
    expect(at(NOW + 6_000)).toEqual([]);
  });

  it("ages sites: fresh, stale after two report intervals, offline when the agent disconnected, unknown before any report", () => {
    const g = buildTopology(
      input([report(a, spokeStatus(a)), report(b, spokeStatus(b), 2 * INTERVAL + 1)], {
        agents: [
          { siteId: "a", connected: true },
          { siteId: "b", connected: true },
          { siteId: "hub1", connected: false },
        ],
      }),
    );
    const f = Object.fromEntries(g.nodes.map((n) => [n.id, n.freshness]));
    expect(f).toEqual({ a: "fresh", b: "stale", hub1: "offline", c: "unknown" });
    expect(g.nodes.find((n) => n.id === "b")?.lastReportAt).toBe(new Date(NOW - 2 * INTERVAL - 1).toISOString());
  });

  it("reports nothing as up for an offline spoke, even with an old report saying otherwise", () => {
    const g = buildTopology(
      input([report(a, spokeStatus(a, { peers: [{ s: b, expires: 300 }] }))], {
        agents: [{ siteId: "a", connected: false }],
      }),
    );
    expect(g.edges.find((e) => e.id === "hs:hub1:a")?.state).toBe("unknown");
    expect(g.edges.some((e) => e.kind === "shortcut")).toBe(false);
    expect(attentionScore(g.nodes.find((n) => n.id === "a")!)).toBeGreaterThan(0);
  });

  it("uses the NBMA address a dynamic spoke reports for itself", () => {
    const g = buildTopology(input([report(c, spokeStatus(c, { nbma: "198.51.100.77" }))]));
    expect(g.nodes.find((n) => n.id === "c")?.nbma).toBe("198.51.100.77");
    expect(g.edges.find((e) => e.id === "hs:hub1:c")?.targetNbma).toBe("198.51.100.77");
  });
});

describe("freshnessOf", () => {
  it("is stale exactly past twice the interval", () => {
    const r = (age: number) => ({ siteId: "x", status: emptySiteStatus(""), receivedAt: NOW - age });
    expect(freshnessOf(r(2 * INTERVAL), { siteId: "x", connected: true }, NOW, INTERVAL)).toBe("fresh");
    expect(freshnessOf(r(2 * INTERVAL + 1), undefined, NOW, INTERVAL)).toBe("stale");
    expect(freshnessOf(undefined, undefined, NOW, INTERVAL)).toBe("unknown");
  });
});

// Random networks: which spokes report, registered or not, and which shortcuts each sees.
const spokes = [a, b, c, site("d", "spoke", 14), site("e", "spoke", 15)];
const scenario = fc.record({
  reports: fc.array(
    fc.record({
      spoke: fc.integer({ min: 0, max: spokes.length - 1 }),
      registered: fc.boolean(),
      peers: fc.uniqueArray(fc.integer({ min: 0, max: spokes.length - 1 }), { maxLength: 4 }),
      age: fc.integer({ min: 0, max: 60_000 }),
    }),
    { maxLength: 8 },
  ),
  connected: fc.array(fc.boolean(), { minLength: spokes.length, maxLength: spokes.length }),
});

interface Scenario {
  reports: { spoke: number; registered: boolean; peers: number[]; age: number }[];
  connected: boolean[];
}

function scenarioInput(s: Scenario) {
  const reports = new Map<string, TopologyReport>();
  for (const r of s.reports) {
    const self = spokes[r.spoke]!;
    const peers = r.peers.filter((p) => p !== r.spoke).map((p) => ({ s: spokes[p]!, expires: 100 }));
    reports.set(self.id, report(self, spokeStatus(self, { registered: r.registered, peers }), r.age));
  }
  return input([...reports.values()], {
    sites: [hub, ...spokes],
    agents: spokes.map((x, i) => ({ siteId: x.id, connected: s.connected[i]! })),
  });
}

describe("graph properties", () => {
  it("edges connect existing nodes, ids are unique and a shortcut never pairs a site with itself", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const g = buildTopology(scenarioInput(s));
        const ids = new Set(g.nodes.map((n) => n.id));
        expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
        for (const e of g.edges) {
          expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
          expect(e.source).not.toBe(e.target);
        }
        expect(g.edges.filter((e) => e.kind === "hub-spoke")).toHaveLength(spokes.length);
      }),
    );
  });

  it("applying the delta between two graphs yields the second", () => {
    fc.assert(
      fc.property(scenario, scenario, (s1, s2) => {
        const g1 = buildTopology(scenarioInput(s1));
        const g2 = buildTopology(scenarioInput(s2));
        const patched = applyTopologyDelta(g1, diffTopology(g1, g2));
        const sort = <T extends { id: string }>(xs: T[]) => [...xs].sort((x, y) => x.id.localeCompare(y.id));
        expect(sort(patched.nodes)).toEqual(sort(g2.nodes));
        expect(sort(patched.edges)).toEqual(sort(g2.edges));
        expect(isEmptyDelta(diffTopology(g2, g2))).toBe(true);
      }),
    );
  });
});
