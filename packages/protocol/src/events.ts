import { z } from "zod";
import { TEXT_LIMITS } from "./limits";

/** Things worth a line in the console's event log, derived by the agent from consecutive status snapshots. */
const at = z.iso.datetime();
const addr = z.string().max(256);

export const SiteEvent = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("registration-lost"), at, hubNbma: addr, interface: addr }),
  z.object({
    kind: z.literal("registration-up"),
    at,
    hubNbma: addr,
    interface: addr,
    hubTunnelAddress: addr.nullable(),
  }),
  z.object({ kind: z.literal("shortcut-up"), at, prefix: addr, via: addr.nullable() }),
  z.object({ kind: z.literal("shortcut-down"), at, prefix: addr }),
  z.object({ kind: z.literal("sa-up"), at, name: addr, uniqueId: addr, remoteHost: addr.nullable() }),
  z.object({ kind: z.literal("sa-down"), at, name: addr, uniqueId: addr, remoteHost: addr.nullable() }),
  z.object({
    kind: z.literal("bgp-state-change"),
    at,
    neighbor: addr,
    from: z.string().max(32).nullable(),
    to: z.string().max(32).nullable(),
  }),
  z.object({
    kind: z.literal("rollback"),
    at,
    deploymentId: z.string().max(128),
    reason: z.string().max(TEXT_LIMITS.rollbackReason),
  }),
]);
export type SiteEvent = z.infer<typeof SiteEvent>;
export type SiteEventKind = SiteEvent["kind"];
