import {
  applyFirstRule,
  iosLines,
  isIpAddress,
  type LineRule,
  parseIosDuration,
  rejectIosError,
  splitHostPort,
} from "./ios-text";

/**
 * Cisco IOS / IOS-XE `show dmvpn [detail]`. Per tunnel interface a header, then a peer table:
 *
 *   Interface: Tunnel100, IPv4 NHRP Details                       (plain `show dmvpn`)
 *   Interface Tunnel0 is up/up, Addr. is 172.16.1.1, VRF ""       (`detail`, followed by
 *      Tunnel Src./Dest. addr: 10.1.1.1/Multipoint, ...            the tunnel's own NBMA source and
 *   IPv4 NHS: 10.169.128.253 RE                                    its NHS list, one per line when long)
 *   Type:Spoke, NHRP Peers:2,   |   Type:Hub, Total NBMA Peers (v4/v6): 3
 *    # Ent  Peer NBMA Addr Peer Tunnel Add State  UpDn Tm Attrb [Target Network]
 *        1 10.200.0.3           10.253.0.1    UP 03:19:46     S  [10.253.0.1/32]
 *                               10.253.0.9    UP 03:19:46    DX      (another entry for the same NBMA peer)
 *
 * A long (IPv6) NBMA address wraps the row: `# Ent` and the NBMA on one line, the rest on the next. `detail` adds
 * per-row `NHRP group:` lines and, at the end, "Crypto Session Details" with one block per IPsec session.
 * A tunnel that is shut down is one line, `Tunnel31 is admin down`.
 */
export interface IosDmvpnPeer {
  nbma: string;
  tunnelAddress: string;
  /** UP, DOWN, NHRP (registration/resolution pending), IKE (IPsec not up yet), ... as IOS prints it */
  state: string;
  /** how long the entry has been in its state; null for `never` */
  upDownSeconds: number | null;
  /** S static, D dynamic, I incomplete, N NATed, L local, X no socket, T1 route installed, T2 next-hop override, C, I2, B */
  attributes: string[];
  targetNetwork: string | null;
}

export interface IosDmvpnNhs {
  address: string;
  /** E expecting replies, R responding, W waiting */
  flags: string;
}

export interface IosDmvpnInterface {
  name: string;
  /** `up/up`, `up/down`, `admin down`; null in the plain output */
  lineState: string | null;
  /** the tunnel's own address (detail only) */
  address: string | null;
  /** the tunnel's own NBMA source address (detail only) */
  source: string | null;
  /** Hub, Spoke, Hub/Spoke, Unknown */
  role: string | null;
  nhs: IosDmvpnNhs[];
  peers: IosDmvpnPeer[];
}

export interface IosCryptoSession {
  interface: string;
  ikeVersion: 1 | 2 | null;
  local: string | null;
  remote: string | null;
  /** the IKE SA's state: Active, ... */
  ikeState: string | null;
  /** UP-ACTIVE, UP-NO-IKE, UP-IDLE, DOWN-NEGOTIATING, DOWN, ... */
  status: string | null;
  phase1Id: string | null;
  activeSas: number;
  packetsIn: number | null;
  packetsOut: number | null;
  /** listed under "Pending DMVPN Sessions": no NHRP entry for it yet */
  pending: boolean;
}

export interface IosDmvpn {
  interfaces: IosDmvpnInterface[];
  sessions: IosCryptoSession[];
}

const ATTRIBUTE = /T1|T2|I2|[A-Z]/g;

function peer(
  nbma: string,
  tunnel: string,
  state: string,
  upDown: string,
  attrb: string,
  target?: string,
): IosDmvpnPeer | null {
  if (!isIpAddress(tunnel) || !/^[A-Z][A-Z0-9-]*$/.test(state)) return null;
  return {
    nbma,
    tunnelAddress: tunnel,
    state,
    upDownSeconds: parseIosDuration(upDown),
    attributes: attrb.match(ATTRIBUTE) ?? [],
    targetNetwork: target ?? null,
  };
}

function newInterface(name: string): IosDmvpnInterface {
  return { name, lineState: null, address: null, source: null, role: null, nhs: [], peers: [] };
}

function newSession(name: string, pending: boolean): IosCryptoSession {
  return {
    interface: name,
    ikeVersion: null,
    local: null,
    remote: null,
    ikeState: null,
    status: null,
    phase1Id: null,
    activeSas: 0,
    packetsIn: null,
    packetsOut: null,
    pending,
  };
}

function readNhs(text: string, into: IosDmvpnNhs[]): void {
  for (const [, address, flags] of text.matchAll(/(\S+)\s+([ERW]+)(?=\s|$)/g)) {
    if (isIpAddress(address!)) into.push({ address: address!, flags: flags! });
  }
}

const SESSION_RULES: LineRule<IosCryptoSession>[] = [
  [
    /^IKE(v2)? SA: local (\S+) remote (\S+)(?:\s+(\S+))?/,
    (m, s) => {
      s.ikeVersion = m[1] ? 2 : 1;
      s.local = splitHostPort(m[2]!).host;
      s.remote = splitHostPort(m[3]!).host;
      s.ikeState = m[4] ?? null;
    },
  ],
  [
    /^Crypto Session Status:\s*(\S+)/,
    (m, s) => {
      s.status = m[1]!;
    },
  ],
  [
    /Phase1_id:\s*(\S+)/,
    (m, s) => {
      s.phase1Id = m[1]!;
    },
  ],
  // one IPSEC FLOW block per protected flow; a GRE tunnel has one, but nothing stops more
  [
    /^Active SAs:\s*(\d+)/,
    (m, s) => {
      s.activeSas += Number(m[1]);
    },
  ],
  [
    /^Inbound:\s+#pkts dec'ed (\d+)/,
    (m, s) => {
      s.packetsIn = (s.packetsIn ?? 0) + Number(m[1]);
    },
  ],
  [
    /^Outbound:\s+#pkts enc'ed (\d+)/,
    (m, s) => {
      s.packetsOut = (s.packetsOut ?? 0) + Number(m[1]);
    },
  ],
];

interface TableState {
  /** the NBMA address of the last full row, for the rows that list more entries of the same peer */
  lastNbma: string | null;
  /** an NBMA address that wrapped: the rest of its row is on the next line */
  wrappedNbma: string | null;
}

/**
 * One line of the peer table, read by tokens: `[# Ent] [NBMA] tunnel state updn attrb [target]`. The NBMA address
 * is left out on further entries of the same peer, and `# Ent` on some of those too (`1.1.1.1  172.16.123.4  UP
 * 00:00:06  I2`); a long NBMA address ends its line after `# Ent NBMA`.
 */
function readTableRow(line: string, iface: IosDmvpnInterface, t: TableState): void {
  const tokens = line.split(/\s+/);
  let nbma: string | null;
  let cells: string[];
  if (/^\d+$/.test(tokens[0]!) && tokens.length >= 2) {
    if (tokens.length === 2) {
      if (isIpAddress(tokens[1]!)) {
        t.wrappedNbma = tokens[1]!;
        t.lastNbma = tokens[1]!;
      }
      return;
    }
    nbma = tokens[1]!;
    cells = tokens.slice(2);
  } else if (t.wrappedNbma) {
    nbma = t.wrappedNbma;
    cells = tokens;
  } else if (tokens.length >= 2 && isIpAddress(tokens[0]!) && isIpAddress(tokens[1]!)) {
    nbma = tokens[0]!;
    cells = tokens.slice(1);
  } else {
    nbma = t.lastNbma;
    cells = tokens;
  }
  t.wrappedNbma = null;
  if (!nbma || (cells.length !== 4 && cells.length !== 5)) return;
  const p = peer(nbma, cells[0]!, cells[1]!, cells[2]!, cells[3]!, cells[4]);
  if (!p) return;
  iface.peers.push(p);
  t.lastNbma = nbma;
}

const INTERFACE_HEADERS = [
  /^Interface:\s*(\S+?),\s*IPv[46] NHRP Details/,
  /^Interface (\S+) is (\S+), Addr\. is (\S+?),/,
  /^(\S+) is admin(?:istratively)? down$/,
];

/** Reads every tunnel of the output; lines it does not know are skipped, so newer IOS lines do not break it. */
export function parseIosDmvpn(text: string): IosDmvpn {
  rejectIosError(text, "show dmvpn");
  const interfaces: IosDmvpnInterface[] = [];
  const sessions: IosCryptoSession[] = [];
  let current: IosDmvpnInterface | null = null;
  let session: IosCryptoSession | null = null;
  let section: "tunnel" | "nhs" | "crypto" = "tunnel";
  let pending = false;
  const table: TableState = { lastNbma: null, wrappedNbma: null };

  for (const raw of iosLines(text)) {
    const line = raw.trim();
    if (!line) continue;

    if (/^Crypto Session Details:?$/.test(line) || /^Pending DMVPN Sessions:?$/.test(line)) {
      section = "crypto";
      pending = line.startsWith("Pending");
      session = null;
      continue;
    }
    // a tunnel header ends a crypto section too, in case an image prints one per tunnel
    const header = INTERFACE_HEADERS.map((h) => line.match(h)).find((m) => m);
    if (header) {
      const name = header[1]!;
      current = interfaces.find((i) => i.name === name) ?? null;
      if (!current) {
        current = newInterface(name);
        interfaces.push(current);
      }
      if (header[0].endsWith("down")) current.lineState = "admin down";
      else if (header[3]) {
        current.lineState = header[2]!;
        current.address = header[3];
      }
      section = "tunnel";
      pending = false;
      table.lastNbma = null;
      table.wrappedNbma = null;
      continue;
    }
    if (section === "crypto") {
      const start = line.match(/^Interface:\s*(\S+)$/);
      if (start) {
        session = newSession(start[1]!, pending);
        sessions.push(session);
      } else if (session) {
        applyFirstRule(line, SESSION_RULES, session);
      }
      continue;
    }

    if (!current) continue;
    const iface = current;
    const src = line.match(/^Tunnel Src\.\/Dest\. addr: ([^/\s,]+)/);
    const nhs = line.match(/^IPv[46] NHS:\s*(.*)$/);
    const type = line.match(/^Type:\s*([^,]+),/);
    if (src) {
      iface.source = isIpAddress(src[1]!) ? src[1]! : null;
    } else if (nhs) {
      // the NHS list: on the same line, or one per line until the Type: line
      section = "nhs";
      readNhs(nhs[1]!, iface.nhs);
    } else if (type) {
      section = "tunnel";
      iface.role = type[1]!.trim();
    } else if (section === "nhs") {
      readNhs(line, iface.nhs);
    } else {
      readTableRow(line, iface, table);
    }
  }
  return { interfaces, sessions };
}
