import type { BgpNeighbor } from "@dmvpn/protocol";
import { z } from "zod";

/**
 * FRR `show bgp ipv4 unicast summary json`. FRR 8.4 prints the address family's object itself (`.peers["<ip>"]`);
 * `show bgp summary json` wraps it in `.ipv4Unicast`. `{}` when BGP is not configured.
 */
const Peer = z.object({
  remoteAs: z.union([z.number(), z.string()]).optional(),
  state: z.string(),
  pfxRcd: z.number().int().nonnegative().optional(),
  peerUptimeMsec: z.number().nonnegative().optional(),
});
const Family = z.object({ peers: z.record(z.string(), Peer).default({}) });
const Summary = z.object({ ipv4Unicast: Family.optional(), peers: z.record(z.string(), Peer).optional() });

export function parseFrrBgpSummary(json: unknown | null): BgpNeighbor[] {
  if (json === null) return [];
  const summary = Summary.parse(json);
  return Object.entries(summary.peers ?? summary.ipv4Unicast?.peers ?? {}).map(([address, p]) => {
    const established = p.state === "Established";
    const remoteAs = typeof p.remoteAs === "number" ? p.remoteAs : Number.parseInt(p.remoteAs ?? "", 10);
    return {
      address,
      remoteAs: Number.isFinite(remoteAs) ? remoteAs : null,
      state: p.state,
      prefixesReceived: established ? (p.pfxRcd ?? 0) : null,
      uptimeSeconds: established && p.peerUptimeMsec !== undefined ? Math.floor(p.peerUptimeMsec / 1000) : null,
    };
  });
}
