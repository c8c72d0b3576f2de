import { z } from "zod";

/** What the smoke scenario (inside the VM) writes to /run/lab/result.json and the host reads back. */

const phaseSchema = z.object({
  ok: z.boolean(),
  /** Milliseconds from the phase's trigger to its outcome. */
  ms: z.number().nullable(),
  detail: z.string(),
});
export type SmokePhase = z.infer<typeof phaseSchema>;

export const smokeResultSchema = z.object({
  renderer: z.literal("@dmvpn/render"),
  holdtimeSeconds: z.number(),
  phases: z.object({
    topology: phaseSchema,
    /** Every spoke has a registered NHS (protocol address and a cache row of type nhs) for each hub. */
    registered: phaseSchema,
    /** Every spoke has BGP Established with every hub. */
    bgp: phaseSchema,
    /** From the first ping between two spokes' LANs to a shortcut route and a dynamic cache entry on the sender. */
    shortcut: phaseSchema,
    /** From the last packet to the shortcut being gone. */
    shortcutExpired: phaseSchema,
    /** The spoke behind NAT registered with the hubs (the hubs see the NAT's address as its NBMA). */
    natRegistered: phaseSchema,
    /** LAN-to-LAN traffic between a public spoke and the NATed spoke. */
    natTraffic: phaseSchema,
    /** After one hub's nhrpd is stopped, two spokes' LANs still reach each other. */
    failover: phaseSchema,
  }),
  /** The host probe: TCP from a router namespace to the host's 127.0.0.1:<port> via 10.0.2.2. */
  hostProbe: z.object({ attempted: z.boolean(), ok: z.boolean(), detail: z.string() }),
  /** Routes and tables the assertions look at, as seen at each moment. */
  observations: z.record(z.string(), z.unknown()),
  captures: z.array(z.string()),
});
export type SmokeResult = z.infer<typeof smokeResultSchema>;
