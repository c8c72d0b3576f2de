import { NHRP_CACHE_TYPES, type NhrpCacheEntry, type NhrpShortcut, type NhsRegistration } from "@dmvpn/protocol";
import { z } from "zod";

/** FRR `show ip nhrp cache|nhs|shortcut json`: `{"attr":{"entriesCount":N},"table":[...]}`. */
const table = <T extends z.ZodType>(row: T) => z.object({ table: z.array(row) });

const CacheRow = z.object({
  interface: z.string(),
  type: z.string(),
  protocol: z.string(),
  nbma: z.string(),
  claimed_nbma: z.string().optional(),
  used: z.boolean().optional(),
  timeout: z.boolean().optional(),
  auth: z.boolean().optional(),
  identity: z.string().optional(),
});
const NhsRow = z.object({ interface: z.string(), fqdn: z.string(), nbma: z.string(), protocol: z.string() });
const ShortcutRow = z.object({
  type: z.string(),
  prefix: z.string(),
  // absent while the shortcut is still being resolved (FRR prints it only once the entry has a cache row)
  via: z.string().optional(),
  identity: z.string().optional(),
});

/** FRR prints "-" or "(unspec)" for absent values. */
function present(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  return v === "" || v === "-" || v === "(unspec)" ? null : v;
}

function cacheType(type: string): NhrpCacheEntry["type"] {
  return (NHRP_CACHE_TYPES as readonly string[]).includes(type) ? (type as NhrpCacheEntry["type"]) : "invalid";
}

export function parseFrrNhrpCache(json: unknown | null): NhrpCacheEntry[] {
  if (json === null) return [];
  return table(CacheRow)
    .parse(json)
    .table.map((r) => ({
      interface: r.interface,
      type: cacheType(r.type),
      protocolAddress: r.protocol,
      nbma: r.nbma,
      claimedNbma: present(r.claimed_nbma),
      // FRR's JSON only says whether a timer runs, not how long is left.
      expiresInSeconds: null,
      flags: {
        used: r.used ?? false,
        timeout: r.timeout ?? false,
        auth: r.auth ?? false,
        up: cacheType(r.type) !== "incomplete" && cacheType(r.type) !== "negative",
      },
      identity: present(r.identity),
    }));
}

/**
 * FRR 8.4 has no reachability column: an NHS counts as registered when its protocol address is known and the cache
 * holds an `nhs` row for it.
 */
export function parseFrrNhrpNhs(json: unknown | null, cache: NhrpCacheEntry[]): NhsRegistration[] {
  if (json === null) return [];
  const nhsRows = new Set(cache.filter((c) => c.type === "nhs").map((c) => `${c.interface}|${c.protocolAddress}`));
  return table(NhsRow)
    .parse(json)
    .table.map((r) => {
      const protocolAddress = present(r.protocol);
      return {
        interface: r.interface,
        nbma: r.fqdn,
        protocolAddress,
        registered: protocolAddress !== null && nhsRows.has(`${r.interface}|${protocolAddress}`),
      };
    });
}

export function parseFrrNhrpShortcuts(json: unknown | null): NhrpShortcut[] {
  if (json === null) return [];
  return table(ShortcutRow)
    .parse(json)
    .table.map((r) => ({ type: r.type, prefix: r.prefix, via: present(r.via), identity: present(r.identity) }));
}
