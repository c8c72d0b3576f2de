import { emptySiteStatus, type SiteStatus } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { dashboardCounts } from "./dashboard-counts";
import {
  attentionReasons,
  attentionScore,
  buildTopology,
  type TopologyInput,
  type TopologySite,
} from "./topology-model";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const INTERVAL = 10_000;

function site(id: string, role: "hub" | "spoke", n: number, agentless = false): TopologySite {
  return {
    id,
    name: id,
    networkId: "net",
    networkName: "corp",
    isDemo: false,
    ipsecEnabled: false,
    role,
    tunnelAddress: `10.255.0.${n}`,
    publicAddress: `203.0.113.${n}`,
    latitude: null,
    longitude: null,
    agentless,
  };
}

// A mixed network: one hub and two spokes run the agent; a Cisco hub and two Cisco spokes do not.
const hub1 = site("hub1", "hub", 1);
const ciscoHub = site("cisco-hub", "hub", 2, true);
const a = site("a", "spoke", 11);
const b = site("b", "spoke", 12);
const ciscoC = site("cisco-c", "spoke", 13, true);
const ciscoD = site("cisco-d", "spoke", 14, true);
const withAgent = [hub1, a, b];
const hubs = [hub1, ciscoHub];

/** A spoke registered with both hubs (what a healthy spoke reports). */
function registeredSpoke(self: TopologySite): SiteStatus {
  const s = emptySiteStatus(new Date(NOW).toISOString());
  for (const h of hubs)
    s.nhs.push({ interface: "gre1", nbma: h.publicAddress ?? "", protocolAddress: h.tunnelAddress, registered: true });
  s.nhrpCache.push({
    interface: "gre1",
    type: "local",
    protocolAddress: self.tunnelAddress,
    nbma: self.publicAddress ?? "",
    claimedNbma: self.publicAddress ?? "",
    expiresInSeconds: null,
    flags: { used: false, timeout: false, auth: false, up: true },
    identity: null,
  });
  s.tunnels.push({ name: "tun0", operState: "up", mtu: 1400, rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 });
  return s;
}

/** hub1's cache: every spoke (agent or not) registered with it. */
function hubWithSpokes(): SiteStatus {
  const s = emptySiteStatus(new Date(NOW).toISOString());
  for (const sp of [a, b, ciscoC, ciscoD]) {
    s.nhrpCache.push({
      interface: "gre1",
      type: "dynamic",
      protocolAddress: sp.tunnelAddress,
      nbma: sp.publicAddress ?? "",
      claimedNbma: sp.publicAddress ?? "",
      expiresInSeconds: 7000,
      flags: { used: true, timeout: true, auth: false, up: true },
      identity: null,
    });
  }
  return s;
}

function healthyInput(extra: Partial<TopologyInput> = {}): TopologyInput {
  return {
    sites: [hub1, ciscoHub, a, b, ciscoC, ciscoD],
    reports: [
      { siteId: hub1.id, status: hubWithSpokes(), receivedAt: NOW },
      { siteId: a.id, status: registeredSpoke(a), receivedAt: NOW },
      { siteId: b.id, status: registeredSpoke(b), receivedAt: NOW },
    ],
    agents: withAgent.map((s) => ({ siteId: s.id, connected: true })),
    now: NOW,
    reportIntervalMs: INTERVAL,
    ...extra,
  };
}

describe("dashboardCounts with agentless sites", () => {
  it("counts a healthy mixed network all green: agentless sites in their own bucket, nothing needs attention", () => {
    const graph = buildTopology(healthyInput());
    expect(dashboardCounts(graph)).toEqual({
      sites: 6,
      agentSites: 3,
      configManaged: 3,
      online: 3,
      offline: 0,
      stale: 0,
      neverReported: 0,
      hubs: 1,
      hubsWithRegistrations: 1,
      tunnelsUp: 2,
      tunnelsTotal: 2,
      shortcutsUp: 0,
      sasDown: 0,
    });
    expect(graph.nodes.filter((n) => n.freshness === "config-managed").map((n) => n.id)).toEqual([
      "cisco-hub",
      "cisco-c",
      "cisco-d",
    ]);
    for (const n of graph.nodes) {
      expect({ site: n.id, score: attentionScore(n), reasons: attentionReasons(n) }).toEqual({
        site: n.id,
        score: 0,
        reasons: [],
      });
    }
  });

  it("still counts a real problem of an agent-managed site", () => {
    const graph = buildTopology(
      healthyInput({ agents: withAgent.map((s) => ({ siteId: s.id, connected: s.id !== "b" })) }),
    );
    const counts = dashboardCounts(graph);
    expect(counts).toMatchObject({ online: 2, offline: 1, agentSites: 3, configManaged: 3 });
    const offline = graph.nodes.find((n) => n.id === "b");
    expect(offline && attentionReasons(offline)).toEqual(["agent offline"]);
  });

  it("never takes an agentless site's leftover report (revoked agent) as live", () => {
    const input = healthyInput();
    input.reports.push({ siteId: ciscoC.id, status: registeredSpoke(ciscoC), receivedAt: NOW - 60 * INTERVAL });
    const counts = dashboardCounts(buildTopology(input));
    expect(counts).toMatchObject({ stale: 0, configManaged: 3, online: 3 });
  });

  it("treats a site as agent-managed as soon as its agent is known (enrolled and online)", () => {
    const input = healthyInput();
    input.agents.push({ siteId: ciscoD.id, connected: true });
    const graph = buildTopology(input);
    expect(graph.nodes.find((n) => n.id === "cisco-d")?.freshness).toBe("unknown");
    expect(dashboardCounts(graph)).toMatchObject({
      agentSites: 4,
      configManaged: 2,
      neverReported: 1,
      tunnelsTotal: 3,
    });
  });
});
