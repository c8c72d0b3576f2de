/**
 * Reads tcpdump's text output (`tcpdump -n -tt -l -i any inbound and ip` on the simulated internet) and says what
 * kind each IPv4 packet was: cleartext GRE (IP protocol 47), ESP, ESP-in-UDP (NAT-T, port 4500), IKE, NAT-T
 * keepalives or anything else. The lab's `encrypted` check counts these.
 */

export type WanPacketKind = "gre" | "esp" | "esp-in-udp" | "ike" | "nat-keepalive" | "other";

export interface WanPacket {
  src: string;
  dst: string;
  srcPort: number | null;
  dstPort: number | null;
  kind: WanPacketKind;
}

/** `203.0.113.1` or `203.0.113.100.4500` (tcpdump -n appends the port to the address with a dot) */
function endpoint(text: string): { address: string; port: number | null } {
  const parts = text.split(".");
  if (parts.length === 5) return { address: parts.slice(0, 4).join("."), port: Number(parts[4]) };
  return { address: text, port: null };
}

function kindOf(rest: string): WanPacketKind {
  if (/^GREv\d/.test(rest) || /ip-proto-47\b/.test(rest)) return "gre";
  if (rest.startsWith("ESP(")) return "esp";
  if (rest.startsWith("UDP-encap: ESP")) return "esp-in-udp";
  if (rest.startsWith("isakmp-nat-keep-alive")) return "nat-keepalive";
  if (/^(NONESP-encap: )?isakmp/.test(rest)) return "ike";
  return "other";
}

/** One entry per IPv4 packet line; tcpdump's other lines (headers, statistics, continuations) are left out. */
export function parseWanCapture(text: string): WanPacket[] {
  const packets: WanPacket[] = [];
  for (const line of text.split("\n")) {
    const m = /\bIP (\d+\.\d+\.\d+\.\d+(?:\.\d+)?) > (\d+\.\d+\.\d+\.\d+(?:\.\d+)?): (.*)$/.exec(line);
    if (!m) continue;
    const src = endpoint(m[1] as string);
    const dst = endpoint(m[2] as string);
    packets.push({
      src: src.address,
      dst: dst.address,
      srcPort: src.port,
      dstPort: dst.port,
      kind: kindOf(m[3] as string),
    });
  }
  return packets;
}

export type WanCounts = Record<WanPacketKind, number>;

export function countWanPackets(packets: WanPacket[], filter: (p: WanPacket) => boolean = () => true): WanCounts {
  const counts: WanCounts = { gre: 0, esp: 0, "esp-in-udp": 0, ike: 0, "nat-keepalive": 0, other: 0 };
  for (const p of packets) if (filter(p)) counts[p.kind]++;
  return counts;
}

/** packets between the two addresses, either way */
export const between = (a: string, b: string) => (p: WanPacket) =>
  (p.src === a && p.dst === b) || (p.src === b && p.dst === a);
