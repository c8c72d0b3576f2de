import { applyFirstRule, iosLines, isIpAddress, type LineRule, parseIosDuration, rejectIosError } from "./ios-text";

/**
 * Cisco IOS / IOS-XE `show ip nhrp` (and `show ip nhrp detail`, which adds lines this parser skips). One block per
 * entry:
 *
 *   10.0.0.2/32 via 10.0.0.2
 *      Tunnel0 created 00:00:32, expire 00:02:27        (or `never expire` for configured entries)
 *      Type: dynamic, Flags: router nhop rib             (flags may be empty)
 *      NBMA address: 203.0.113.2                         (absent for incomplete entries)
 *       (Claimed NBMA address: 10.1.1.1)                 (the peer is behind NAT: the address it claimed)
 *       (no-socket)                                      (no IPsec socket for this entry)
 *
 * Older images put the interface line on the header line (`10.0.0.2/32 via 10.0.0.2, Tunnel0 created ...`), and an
 * entry still being resolved may have no `via` at all (`10.0.0.6/32, Tunnel0 created ...`): its target is its via.
 * Types are dynamic, static, incomplete; the flags say more: `local` (this router's own address or network,
 * answered to a resolution request), `registered` (a spoke's registration, on a hub), `negative` (resolution
 * failed), `temporary` (a stand-in pointing at the hub while a spoke-to-spoke resolution is pending), `rib`/`nho`/`nhop` (a phase 3 shortcut route or next-hop override installed), `used`, `unique`, `router`,
 * `implicit`, `nat`.
 */
export interface IosNhrpEntry {
  /** the target: a host (`/32`) or, for shortcut routes, a network */
  prefix: string;
  prefixLength: number;
  /** the tunnel address of the peer this target is reached through */
  via: string;
  interface: string | null;
  createdSeconds: number | null;
  /** null for `never expire` */
  expiresInSeconds: number | null;
  type: string;
  flags: string[];
  nbma: string | null;
  claimedNbma: string | null;
  noSocket: boolean;
  /** a route to a network behind a peer (phase 3 shortcut or next-hop override), not the peer itself */
  shortcut: boolean;
}

const HEADER = /^(\S+)\/(\d+) via (\S+?),?(?:\s+(.*))?$/;
const HEADER_WITHOUT_VIA = /^(\S+)\/(\d+),\s+(.*created.*)$/;
const CREATED = /(\S+) created (\S+?),\s*(?:expire (\S+)|never expire)/;

type Building = Omit<IosNhrpEntry, "shortcut">;

const ENTRY_RULES: LineRule<Building>[] = [
  [
    CREATED,
    (m, e) => {
      e.interface = m[1]!;
      e.createdSeconds = parseIosDuration(m[2]!);
      e.expiresInSeconds = m[3] === undefined ? null : parseIosDuration(m[3]);
    },
  ],
  [
    /^Type:\s*([^,\s]+),\s*Flags:\s*(.*)$/,
    (m, e) => {
      e.type = m[1]!;
      e.flags = m[2]!.split(/\s+/).filter(Boolean);
    },
  ],
  [
    /^NBMA address:\s*(\S+)/,
    (m, e) => {
      e.nbma = m[1]!;
    },
  ],
  [
    /^\(Claimed NBMA address:\s*([^)\s]+)\)/,
    (m, e) => {
      e.claimedNbma = m[1]!;
    },
  ],
  [
    /^\(no-socket\)$/,
    (_m, e) => {
      e.noSocket = true;
    },
  ],
];

function isShortcut(e: Building): boolean {
  const host = e.prefixLength === (e.prefix.includes(":") ? 128 : 32);
  return !host || e.prefix !== e.via || e.flags.some((f) => f === "rib" || f === "nho");
}

export function parseIosNhrp(text: string): IosNhrpEntry[] {
  rejectIosError(text, "show ip nhrp");
  const entries: Building[] = [];
  let current: Building | null = null;
  for (const raw of iosLines(text)) {
    const line = raw.trim();
    const withVia = line.match(HEADER);
    const withoutVia = withVia ? null : line.match(HEADER_WITHOUT_VIA);
    const prefix = withVia?.[1] ?? withoutVia?.[1];
    const via = withVia ? withVia[3]! : prefix;
    if (prefix && via && isIpAddress(prefix) && isIpAddress(via)) {
      current = {
        prefix,
        prefixLength: Number((withVia ?? withoutVia)![2]),
        via,
        interface: null,
        createdSeconds: null,
        expiresInSeconds: null,
        type: "",
        flags: [],
        nbma: null,
        claimedNbma: null,
        noSocket: false,
      };
      entries.push(current);
      if (!(withVia ? withVia[4] : withoutVia![3])) continue;
    }
    if (current) applyFirstRule(line, ENTRY_RULES, current);
  }
  // an entry whose type line never came is not an NHRP entry (a stray line that looked like a header)
  return entries.filter((e) => e.type).map((e) => ({ ...e, shortcut: isShortcut(e) }));
}
