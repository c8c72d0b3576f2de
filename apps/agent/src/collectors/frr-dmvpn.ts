import type { DmvpnPeer } from "@dmvpn/protocol";
import { z } from "zod";

/** FRR `show dmvpn json`: a bare array. */
const Row = z.object({
  src: z.string(),
  dst: z.string(),
  notifierActive: z.boolean().optional(),
  sas: z.number().int().nonnegative().optional(),
  identity: z.string().optional(),
});

export function parseFrrDmvpn(json: unknown | null): DmvpnPeer[] {
  if (json === null) return [];
  return z
    .array(Row)
    .parse(json)
    .map((r) => ({
      source: r.src,
      destination: r.dst,
      notifierActive: r.notifierActive ?? false,
      installedSas: r.sas ?? 0,
      identity: r.identity && r.identity !== "-" ? r.identity : null,
    }));
}
