import type { NhrpCacheEntry } from "@dmvpn/protocol";
import type { TopologySite } from "./topology-model";

/**
 * What topology-model.test.ts and topology-incremental.test.ts build their graphs from (a full build from sites and
 * agent reports): one site, one NHRP cache entry, one IPsec SA as the agent reports them. Each test keeps its own
 * naming and numbering on top.
 */

/** A site of network "corp" without coordinates, IPsec on. */
export function fixtureSite(
  id: string,
  role: TopologySite["role"],
  addresses: { tunnel: string; public: string | null },
  name = id,
): TopologySite {
  return {
    id,
    name,
    networkId: "net",
    networkName: "corp",
    isDemo: false,
    ipsecEnabled: true,
    role,
    tunnelAddress: addresses.tunnel,
    publicAddress: addresses.public,
    latitude: null,
    longitude: null,
  };
}

/** An NHRP cache entry on gre1, in use and up; it times out when it has an expiry. */
export function nhrpEntry(
  type: NhrpCacheEntry["type"],
  protocolAddress: string,
  nbma: string,
  expires: number | null = null,
): NhrpCacheEntry {
  return {
    interface: "gre1",
    type,
    protocolAddress,
    nbma,
    claimedNbma: nbma,
    expiresInSeconds: expires,
    flags: { used: true, timeout: expires !== null, auth: false, up: true },
    identity: null,
  };
}

/** An established IKE SA to `remote` (60 s old) with one installed transport-mode child SA. */
export function ipsecSa(remote: string, bytes: { in: number; out: number } = { in: 100, out: 50 }) {
  return {
    name: "dmvpn",
    uniqueId: remote,
    state: "ESTABLISHED",
    localHost: null,
    remoteHost: remote,
    remoteId: null,
    establishedSeconds: 60,
    natRemote: false,
    children: [
      {
        name: "dmvpn",
        uniqueId: `${remote}c`,
        state: "INSTALLED",
        mode: "TRANSPORT",
        bytesIn: bytes.in,
        bytesOut: bytes.out,
        packetsIn: 1,
        packetsOut: 1,
        installedSeconds: 60,
        localTs: [],
        remoteTs: [],
      },
    ],
  };
}
