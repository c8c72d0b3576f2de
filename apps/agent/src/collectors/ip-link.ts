import type { TunnelInterfaceStatus } from "@dmvpn/protocol";
import { z } from "zod";

/** `ip -j -s link show dev X`. A GRE device reports operstate UNKNOWN when up, so flags decide. */
const Counters = z.object({ bytes: z.number(), packets: z.number() });
const Link = z.object({
  ifname: z.string(),
  flags: z.array(z.string()).default([]),
  mtu: z.number().int().optional(),
  operstate: z.string().optional(),
  stats64: z.object({ rx: Counters, tx: Counters }).optional(),
});

export function parseIpLink(json: unknown): TunnelInterfaceStatus[] {
  return z
    .array(Link)
    .parse(json)
    .map((l) => {
      const up = l.operstate === "UP" || (l.flags.includes("UP") && l.flags.includes("LOWER_UP"));
      const down = l.operstate === "DOWN" || !l.flags.includes("UP");
      return {
        name: l.ifname,
        operState: up ? "up" : down ? "down" : "unknown",
        mtu: l.mtu ?? null,
        rxBytes: l.stats64?.rx.bytes ?? 0,
        txBytes: l.stats64?.tx.bytes ?? 0,
        rxPackets: l.stats64?.rx.packets ?? 0,
        txPackets: l.stats64?.tx.packets ?? 0,
      };
    });
}
