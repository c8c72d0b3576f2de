import { iosLines, isIpAddress, parseIosDuration, rejectIosError } from "./ios-text";

/**
 * Cisco IOS / IOS-XE `show ip bgp summary`: a preamble (`BGP router identifier X, local AS number Y`, memory
 * counters) then the neighbour table:
 *
 *   Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd
 *   172.16.1.2      4        65000     305     308       15    0    0 04:33:35        2
 *   10.0.0.10       4        65009 26930508  942614 512185203    0    0 1y10w     Idle (Admin)
 *
 * The last column is the number of prefixes received once the session is Established, else the state (Idle,
 * Active, Connect, OpenSent, OpenConfirm, `Idle (Admin)`, `Idle (PfxCt)`, ...). AS numbers may be asdot
 * (`65000.1000`). A long (IPv6) neighbour address wraps the row onto the next line. `show ip bgp all summary`
 * prints one such block per address family after `For address family: ...`; the IPv4 Unicast one is kept, or the
 * first when there is none. With BGP not configured IOS prints `% BGP not active`: no neighbours.
 */
export interface IosBgpNeighbor {
  address: string;
  remoteAs: number | null;
  /** Established when the last column is a count, else the state as printed */
  state: string;
  prefixesReceived: number | null;
  /** how long the session has been in its state (up when Established); null for `never` */
  upDownSeconds: number | null;
  messagesReceived: number;
  messagesSent: number;
}

export interface IosBgpSummary {
  routerId: string | null;
  localAs: number | null;
  neighbors: IosBgpNeighbor[];
}

interface Section {
  family: string | null;
  summary: IosBgpSummary;
}

const emptySection = (family: string | null): Section => ({
  family,
  summary: { routerId: null, localAs: null, neighbors: [] },
});

const ROW_TAIL = /^(\d)\s+(\d+(?:\.\d+)?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.+)$/;

/** asplain or asdot (`high.low`) to the AS number. */
export function parseAsNumber(value: string): number | null {
  const m = value.match(/^(\d+)(?:\.(\d+))?$/);
  if (!m) return null;
  if (m[2] === undefined) return Number(m[1]);
  const high = Number(m[1]);
  const low = Number(m[2]);
  return high < 65_536 && low < 65_536 ? high * 65_536 + low : null;
}

function neighbor(address: string, m: RegExpMatchArray): IosBgpNeighbor {
  const last = m[9]!.trim();
  const established = /^\d+$/.test(last);
  return {
    address,
    remoteAs: parseAsNumber(m[2]!),
    state: established ? "Established" : last,
    prefixesReceived: established ? Number(last) : null,
    upDownSeconds: parseIosDuration(m[8]!),
    messagesReceived: Number(m[3]),
    messagesSent: Number(m[4]),
  };
}

export function parseIosBgpSummary(text: string): IosBgpSummary {
  rejectIosError(text, "show ip bgp summary");
  const sections: Section[] = [];
  let section = emptySection(null);
  let started = false;
  let wrapped: string | null = null;
  const ensure = () => {
    if (!started) sections.push(section);
    started = true;
  };
  for (const raw of iosLines(text)) {
    const line = raw.trim();
    const family = line.match(/^For address family:\s*(.+)$/);
    const identity = line.match(/^BGP router identifier (\S+?), local AS number (\S+)/);
    const tokens = line.split(/\s+/);
    const first = tokens[0]!;
    if (family) {
      section = emptySection(family[1]!);
      started = false;
      ensure();
    } else if (identity) {
      ensure();
      section.summary.routerId = identity[1]!;
      section.summary.localAs = parseAsNumber(identity[2]!);
    } else if (tokens.length === 1 && isIpAddress(first)) {
      wrapped = first;
      continue;
    } else if (wrapped) {
      const tail = line.match(ROW_TAIL);
      if (tail) {
        ensure();
        section.summary.neighbors.push(neighbor(wrapped, tail));
      }
    } else if (tokens.length > 1 && isIpAddress(first)) {
      const tail = line.slice(first.length).trim().match(ROW_TAIL);
      if (tail) {
        ensure();
        section.summary.neighbors.push(neighbor(first, tail));
      }
    }
    wrapped = null;
  }
  const chosen = sections.find((s) => s.family === "IPv4 Unicast") ?? sections[0];
  return (chosen ?? emptySection(null)).summary;
}
