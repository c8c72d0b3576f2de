import type { AgentToConsole, ConsoleToAgent } from "../messages";
import type { SiteStatus } from "../status";

/** One valid example of every message, for round-trip tests here and for the console's handler tests. */
export const SAMPLE_STATUS: SiteStatus = {
  collectedAt: "2025-01-01T00:00:00.000Z",
  tunnels: [{ name: "gre1", operState: "up", mtu: 1400, rxBytes: 1000, txBytes: 2000, rxPackets: 10, txPackets: 20 }],
  nhrpCache: [
    {
      interface: "gre1",
      type: "nhs",
      protocolAddress: "10.255.0.1",
      nbma: "203.0.113.1",
      claimedNbma: "203.0.113.1",
      expiresInSeconds: 290,
      flags: { used: true, timeout: true, auth: false, up: true },
      identity: null,
    },
    {
      interface: "gre1",
      type: "dynamic",
      protocolAddress: "10.255.0.12",
      nbma: "198.51.100.7",
      claimedNbma: "192.168.1.12",
      expiresInSeconds: 120,
      flags: { used: false, timeout: true, auth: false, up: true },
      identity: "CN=spoke 2",
    },
  ],
  nhs: [{ interface: "gre1", nbma: "203.0.113.1", protocolAddress: "10.255.0.1", registered: true }],
  shortcuts: [{ type: "dynamic", prefix: "192.168.12.0/24", via: "10.255.0.12", identity: null }],
  dmvpnPeers: [
    { source: "198.51.100.11", destination: "203.0.113.1", notifierActive: true, installedSas: 1, identity: null },
  ],
  ipsecSas: [
    {
      name: "dmvpn",
      uniqueId: "3",
      state: "ESTABLISHED",
      localHost: "198.51.100.11",
      remoteHost: "203.0.113.1",
      remoteId: "203.0.113.1",
      establishedSeconds: 300,
      natRemote: false,
      children: [
        {
          name: "dmvpn",
          uniqueId: "7",
          state: "INSTALLED",
          mode: "TRANSPORT",
          bytesIn: 5000,
          bytesOut: 6000,
          packetsIn: 50,
          packetsOut: 60,
          installedSeconds: 280,
          localTs: ["198.51.100.11/32[gre]"],
          remoteTs: ["203.0.113.1/32[gre]"],
        },
      ],
    },
  ],
  bgpNeighbors: [
    { address: "10.255.0.1", remoteAs: 65000, state: "Established", prefixesReceived: 4, uptimeSeconds: 250 },
  ],
};

const at = "2025-01-01T00:00:05.000Z";

export const SAMPLE_AGENT_MESSAGES: AgentToConsole[] = [
  {
    v: 1,
    type: "hello",
    payload: {
      agentVersion: "0.1.0",
      platform: "frr-linux",
      hostname: "spoke-1",
      siteId: "site-1",
      credential: "c".repeat(32),
    },
  },
  { v: 1, type: "heartbeat", payload: { sentAt: at } },
  {
    v: 1,
    type: "apply-result",
    payload: { outcome: "applied", deploymentId: "d1", contentHash: "h1", confirmBy: at },
  },
  {
    v: 1,
    type: "apply-result",
    payload: { outcome: "failed", deploymentId: "d1", contentHash: "h1", error: "line 3: % Unknown command" },
  },
  {
    v: 1,
    type: "apply-result",
    payload: { outcome: "rolled-back", deploymentId: "d1", contentHash: "h1", reason: "no confirm within 60 s" },
  },
  { v: 1, type: "apply-result", payload: { outcome: "unchanged", deploymentId: "d1", contentHash: "h1" } },
  { v: 1, type: "confirmed", payload: { deploymentId: "d1" } },
  { v: 1, type: "status-snapshot", payload: { seq: 1, status: SAMPLE_STATUS } },
  {
    v: 1,
    type: "status-delta",
    payload: {
      seq: 2,
      collectedAt: at,
      changes: {
        shortcuts: { remove: ["192.168.12.0/24"] },
        bgpNeighbors: { upsert: [SAMPLE_STATUS.bgpNeighbors[0]!] },
      },
    },
  },
  {
    v: 1,
    type: "status-part",
    payload: {
      seq: 3,
      snapshotId: "snap-3",
      index: 1,
      count: 2,
      collectedAt: at,
      rows: { nhrpCache: SAMPLE_STATUS.nhrpCache, ipsecSas: SAMPLE_STATUS.ipsecSas },
    },
  },
  {
    v: 1,
    type: "event",
    payload: {
      events: [
        { kind: "registration-lost", at, hubNbma: "203.0.113.1", interface: "gre1" },
        { kind: "registration-up", at, hubNbma: "203.0.113.1", interface: "gre1", hubTunnelAddress: "10.255.0.1" },
        { kind: "shortcut-up", at, prefix: "192.168.12.0/24", via: "10.255.0.12" },
        { kind: "shortcut-down", at, prefix: "192.168.12.0/24" },
        { kind: "sa-up", at, name: "dmvpn", uniqueId: "3", remoteHost: "203.0.113.1" },
        { kind: "sa-down", at, name: "dmvpn", uniqueId: "3", remoteHost: null },
        { kind: "bgp-state-change", at, neighbor: "10.255.0.1", from: "Active", to: "Established" },
        { kind: "rollback", at, deploymentId: "d1", reason: "registration lost with every hub" },
      ],
    },
  },
  {
    v: 1,
    type: "ping-result",
    id: "p1",
    payload: { target: "10.255.0.1", sent: 3, received: 3, rttAvgMs: 1.2, output: "3 packets transmitted" },
  },
  { v: 1, type: "show-result", id: "s1", payload: { commandId: "nhrp-cache", ok: true, output: "% No entries" } },
  {
    v: 1,
    type: "error",
    payload: { code: "invalid-message", message: "payload.deploymentId: required", inReplyTo: "x" },
  },
];

export const SAMPLE_CONSOLE_MESSAGES: ConsoleToAgent[] = [
  { v: 1, type: "welcome", payload: { siteId: "site-1", heartbeatSeconds: 15, serverTime: at } },
  { v: 1, type: "auth-error", payload: { reason: "unknown site or credential" } },
  { v: 1, type: "retry-after", payload: { retryAfterMs: 30_000, reason: "admitting agents at a bounded rate" } },
  { v: 1, type: "heartbeat-ack", payload: { sentAt: at } },
  {
    v: 1,
    type: "apply",
    id: "a1",
    payload: {
      deploymentId: "d1",
      revision: 4,
      contentHash: "sha256:abc",
      target: "frr",
      files: [
        { name: "frr.conf", content: "interface gre1\n ip nhrp network-id 1\n" },
        { name: "gre.sh", content: "ip tunnel add gre1 mode gre key 42 ttl 64 dev eth0\n" },
      ],
      confirmWindowSeconds: 120,
    },
  },
  { v: 1, type: "confirm", payload: { deploymentId: "d1" } },
  { v: 1, type: "request-snapshot", payload: { reason: "sequence gap" } },
  { v: 1, type: "ping", id: "p1", payload: { target: "10.255.0.1", source: "10.255.0.11", count: 3 } },
  { v: 1, type: "show", id: "s1", payload: { commandId: "bgp-summary" } },
  { v: 1, type: "error", payload: { code: "unexpected-message", message: "no pending deployment d9" } },
];
