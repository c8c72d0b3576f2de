import { iosLines, isIpAddress, parseIosDuration, rejectIosError, splitHostPort } from "./ios-text";

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

const FULL_ROW = /^(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?$/;
const CONTINUATION_ROW = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(\S+))?$/;
const WRAPPED_ROW = /^(\d+)\s+(\S+)$/;
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

/** Reads every tunnel of the output; lines it does not know are skipped, so newer IOS lines do not break it. */
export function parseIosDmvpn(text: string): IosDmvpn {
  rejectIosError(text, "show dmvpn");
  const interfaces: IosDmvpnInterface[] = [];
  const sessions: IosCryptoSession[] = [];
  let current: IosDmvpnInterface | null = null;
  let session: IosCryptoSession | null = null;
  let section: "tunnel" | "nhs" | "crypto" = "tunnel";
  let pending = false;
  let lastNbma: string | null = null;
  let wrappedNbma: string | null = null;

  const interfaceNamed = (name: string): IosDmvpnInterface => {
    const existing = interfaces.find((i) => i.name === name);
    if (existing) return existing;
    const created = newInterface(name);
    interfaces.push(created);
    return created;
  };

  for (const raw of iosLines(text)) {
    const line = raw.trim();
    if (!line) continue;
    let m: RegExpMatchArray | null;

    if (/^Crypto Session Details:?$/.test(line)) {
      section = "crypto";
      continue;
    }
    if (/^Pending DMVPN Sessions:?$/.test(line)) {
      section = "crypto";
      pending = true;
      session = null;
      continue;
    }
    if (section === "crypto") {
      if ((m = line.match(/^Interface:\s*(\S+)$/))) {
        session = newSession(m[1]!, pending);
        sessions.push(session);
      } else if (!session) {
        continue;
      } else if ((m = line.match(/^IKE(v2)? SA: local (\S+) remote (\S+)(?:\s+(\S+))?/))) {
        session.ikeVersion = m[1] ? 2 : 1;
        session.local = splitHostPort(m[2]!).host;
        session.remote = splitHostPort(m[3]!).host;
        session.ikeState = m[4] ?? null;
      } else if ((m = line.match(/^Crypto Session Status:\s*(\S+)/))) {
        session.status = m[1]!;
      } else if ((m = line.match(/Phase1_id:\s*(\S+)/))) {
        session.phase1Id = m[1]!;
      } else if ((m = line.match(/^Active SAs:\s*(\d+)/))) {
        session.activeSas += Number(m[1]);
      } else if ((m = line.match(/^Inbound:\s+#pkts dec'ed (\d+)/))) {
        session.packetsIn = (session.packetsIn ?? 0) + Number(m[1]);
      } else if ((m = line.match(/^Outbound:\s+#pkts enc'ed (\d+)/))) {
        session.packetsOut = (session.packetsOut ?? 0) + Number(m[1]);
      }
      continue;
    }

    const header =
      line.match(/^Interface:\s*(\S+?),\s*IPv[46] NHRP Details/) ??
      line.match(/^Interface (\S+) is (\S+), Addr\. is (\S+?),/) ??
      line.match(/^(\S+) is admin(?:istratively)? down$/);
    if (header) {
      current = interfaceNamed(header[1]!);
      if (header[0].endsWith("down")) current.lineState = "admin down";
      else if (header[3]) {
        current.lineState = header[2]!;
        current.address = header[3];
      }
      section = "tunnel";
      lastNbma = null;
      wrappedNbma = null;
      continue;
    }
    if (!current) continue;
    const iface = current;
    if ((m = line.match(/^Tunnel Src\.\/Dest\. addr: ([^/\s,]+)/))) {
      iface.source = isIpAddress(m[1]!) ? m[1]! : null;
      continue;
    }
    if ((m = line.match(/^IPv[46] NHS:\s*(.*)$/))) {
      section = "nhs";
      readNhs(m[1]!, iface.nhs);
      continue;
    }
    if ((m = line.match(/^Type:\s*([^,]+),/))) {
      section = "tunnel";
      iface.role = m[1]!.trim();
      continue;
    }
    if (section === "nhs") {
      readNhs(line, iface.nhs);
      continue;
    }

    if (wrappedNbma && (m = line.match(CONTINUATION_ROW))) {
      const p = peer(wrappedNbma, m[1]!, m[2]!, m[3]!, m[4]!, m[5]);
      wrappedNbma = null;
      if (p) iface.peers.push(p);
      continue;
    }
    if ((m = line.match(FULL_ROW))) {
      const p = peer(m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]);
      if (p) {
        iface.peers.push(p);
        lastNbma = p.nbma;
        continue;
      }
    }
    if ((m = line.match(WRAPPED_ROW)) && isIpAddress(m[2]!)) {
      wrappedNbma = m[2]!;
      lastNbma = wrappedNbma;
      continue;
    }
    if (lastNbma && (m = line.match(CONTINUATION_ROW))) {
      const p = peer(lastNbma, m[1]!, m[2]!, m[3]!, m[4]!, m[5]);
      if (p) iface.peers.push(p);
    }
  }
  return { interfaces, sessions };
}
