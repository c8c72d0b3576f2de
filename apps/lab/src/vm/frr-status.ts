import { z } from "zod";
import type { CommandResult } from "./exec";

/**
 * Just enough of FRR 8.4's JSON status for the lab to decide when a phase is reached. The agent has the real
 * parsers; these are deliberately loose (passthrough) and only name the fields the scenarios read.
 */

const nhrpTable = <T extends z.ZodType>(row: T) =>
  z.object({ attr: z.object({ entriesCount: z.number() }).optional(), table: z.array(row).default([]) });

export const nhrpCacheRowSchema = z.looseObject({
  interface: z.string(),
  type: z.string(),
  protocol: z.string(),
  nbma: z.string(),
  claimed_nbma: z.string().optional(),
});
export type NhrpCacheRow = z.infer<typeof nhrpCacheRowSchema>;

export const nhrpNhsRowSchema = z.looseObject({ interface: z.string(), nbma: z.string(), protocol: z.string() });
export type NhrpNhsRow = z.infer<typeof nhrpNhsRowSchema>;

/** `via` is absent while a shortcut is still being resolved (the lab saw such a row). */
export const nhrpShortcutRowSchema = z.looseObject({
  type: z.string(),
  prefix: z.string(),
  via: z.string().optional(),
});
export type NhrpShortcutRow = z.infer<typeof nhrpShortcutRowSchema>;

const bgpPeersSchema = z.record(z.string(), z.looseObject({ state: z.string(), pfxRcd: z.number().optional() }));
/**
 * `show bgp ipv4 unicast summary json` (one address family) has `peers` at the top level in FRR 8.4;
 * `show bgp summary json` nests it under `ipv4Unicast`. Both are accepted.
 */
const bgpSummarySchema = z.looseObject({
  peers: bgpPeersSchema.optional(),
  ipv4Unicast: z.looseObject({ peers: bgpPeersSchema }).optional(),
});

const routeTableSchema = z.record(
  z.string(),
  z.array(
    z.looseObject({
      protocol: z.string(),
      selected: z.boolean().optional(),
      nexthops: z
        .array(
          z.looseObject({
            ip: z.string().optional(),
            active: z.boolean().optional(),
            recursive: z.boolean().optional(),
          }),
        )
        .default([]),
    }),
  ),
);

/** vtysh prints "% No entries" and exits 1 for an empty NHRP table; some 8.4 commands print a text header before the JSON. */
function jsonOf(result: CommandResult): unknown {
  const start = result.stdout.search(/[[{]/);
  if (start < 0) return undefined;
  return JSON.parse(result.stdout.slice(start));
}

function tableOf<T extends z.ZodType>(result: CommandResult, row: T): z.infer<T>[] {
  const json = jsonOf(result);
  if (json === undefined) return [];
  return nhrpTable(row).parse(json).table as z.infer<T>[];
}

export const parseNhrpCache = (r: CommandResult) => tableOf(r, nhrpCacheRowSchema);
export const parseNhrpNhs = (r: CommandResult) => tableOf(r, nhrpNhsRowSchema);
export const parseNhrpShortcuts = (r: CommandResult) => tableOf(r, nhrpShortcutRowSchema);

export function parseBgpPeers(r: CommandResult): Record<string, { state: string; pfxRcd?: number }> {
  const json = jsonOf(r);
  if (json === undefined) return {};
  const summary = bgpSummarySchema.parse(json);
  return summary.peers ?? summary.ipv4Unicast?.peers ?? {};
}

/**
 * `show ip route A.B.C.D json`: the selected route's protocol and the next hops packets really go to. A BGP
 * next hop resolved through another route is listed with `recursive: true`, followed by what resolves it.
 */
export function parseSelectedRoute(r: CommandResult): { protocol: string; nexthops: string[] } | undefined {
  const json = jsonOf(r);
  if (json === undefined) return undefined;
  for (const routes of Object.values(routeTableSchema.parse(json))) {
    const selected = routes.find((route) => route.selected);
    if (selected) {
      return {
        protocol: selected.protocol,
        nexthops: selected.nexthops
          .filter((n) => n.active !== false && n.recursive !== true && (n.ip || n.interfaceName))
          // NHRP routes name only the tunnel interface: the kernel's NHRP neighbour entry picks the peer.
          .map((n) => n.ip ?? `dev ${n.interfaceName}`),
      };
    }
  }
  return undefined;
}
