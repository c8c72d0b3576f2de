import type { SiteStatus } from "../status";

/** Spoke n's addresses: tunnel 10.x.y.z counted from 10.0.1.1, NBMA 100.64.0.0/10 counted the same way. */
function address(base: number, n: number): string {
  const v = base + n;
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}
const TUNNEL_BASE = (10 << 24) + 257;
const NBMA_BASE = ((100 << 24) + (64 << 16) + 1) >>> 0;

/**
 * What an FRR hub with `spokes` registered spokes reports, shaped as the collectors produce it: per spoke a dynamic
 * NHRP entry, an IKE SA with its transport-mode child SA, and a BGP session. ~0.87 KB per spoke, like the hubs the
 * fleet measurements used. For size, chunking and paging tests; counters start at values derived from `n`.
 */
export function hubStatus(spokes: number, collectedAt = "2026-01-01T00:00:00.000Z"): SiteStatus {
  const hubNbma = "203.0.113.1";
  const nhrpCache: SiteStatus["nhrpCache"] = [];
  const ipsecSas: SiteStatus["ipsecSas"] = [];
  const bgpNeighbors: SiteStatus["bgpNeighbors"] = [];
  for (let n = 0; n < spokes; n++) {
    const tunnel = address(TUNNEL_BASE, n);
    const nbma = address(NBMA_BASE, n);
    nhrpCache.push({
      interface: "gre1",
      type: "dynamic",
      protocolAddress: tunnel,
      nbma,
      claimedNbma: nbma,
      expiresInSeconds: 7200 - (n % 600),
      flags: { used: n % 3 === 0, timeout: true, auth: false, up: true },
      identity: `CN=spoke-${n}.dmvpn.example`,
    });
    ipsecSas.push({
      name: "dmvpn",
      uniqueId: String(n + 1),
      state: "ESTABLISHED",
      localHost: hubNbma,
      remoteHost: nbma,
      remoteId: `spoke-${n}.dmvpn.example`,
      establishedSeconds: 3600 + (n % 1000),
      natRemote: false,
      children: [
        {
          name: "dmvpn",
          uniqueId: String(100_000 + n),
          state: "INSTALLED",
          mode: "TRANSPORT",
          bytesIn: 1_000_000 + n * 17,
          bytesOut: 2_000_000 + n * 13,
          packetsIn: 10_000 + n,
          packetsOut: 20_000 + n,
          installedSeconds: 3000 + (n % 1000),
          localTs: [`${hubNbma}/32[gre]`],
          remoteTs: [`${nbma}/32[gre]`],
        },
      ],
    });
    bgpNeighbors.push({
      address: tunnel,
      remoteAs: 65001 + (n % 1000),
      state: "Established",
      prefixesReceived: 1 + (n % 4),
      uptimeSeconds: 3500 + (n % 1000),
    });
  }
  return {
    collectedAt,
    tunnels: [{ name: "gre1", operState: "up", mtu: 1400, rxBytes: 9e9, txBytes: 8e9, rxPackets: 9e7, txPackets: 8e7 }],
    nhrpCache,
    nhs: [],
    shortcuts: [],
    dmvpnPeers: [],
    ipsecSas,
    bgpNeighbors,
  };
}

/**
 * The same hub `seconds` later with traffic flowing: every counter and timer ticks (SA bytes and packets, ages,
 * NHRP expiry, BGP uptime), nothing else changes. The case that must not make every delta the whole status.
 */
export function tickHubStatus(status: SiteStatus, seconds: number): SiteStatus {
  const collectedAt = new Date(Date.parse(status.collectedAt) + seconds * 1000).toISOString();
  return {
    ...status,
    collectedAt,
    tunnels: status.tunnels.map((t) => ({ ...t, rxBytes: t.rxBytes + 1000 * seconds, txBytes: t.txBytes + 900 })),
    nhrpCache: status.nhrpCache.map((e) => ({
      ...e,
      expiresInSeconds: e.expiresInSeconds === null ? null : Math.max(0, e.expiresInSeconds - seconds),
    })),
    ipsecSas: status.ipsecSas.map((sa) => ({
      ...sa,
      establishedSeconds: sa.establishedSeconds === null ? null : sa.establishedSeconds + seconds,
      children: sa.children.map((c) => ({
        ...c,
        bytesIn: c.bytesIn + 120 * seconds,
        bytesOut: c.bytesOut + 100 * seconds,
        packetsIn: c.packetsIn + seconds,
        packetsOut: c.packetsOut + seconds,
        installedSeconds: c.installedSeconds === null ? null : c.installedSeconds + seconds,
      })),
    })),
    bgpNeighbors: status.bgpNeighbors.map((b) => ({
      ...b,
      uptimeSeconds: b.uptimeSeconds === null ? null : b.uptimeSeconds + seconds,
    })),
  };
}
