/**
 * Reads `ip -s xfrm state` (iproute2): one entry per kernel SA with its addresses, SPI, mode, NAT-T encapsulation
 * and the byte/packet counters under "lifetime current". The lab's `xfrmCounters` check compares two readings.
 */

export interface XfrmState {
  src: string;
  dst: string;
  proto: string;
  spi: string;
  mode: string | null;
  /** "espinudp" when ESP is UDP-encapsulated (NAT-T) */
  encap: string | null;
  bytes: number;
  packets: number;
}

export function parseXfrmState(text: string): XfrmState[] {
  const states: XfrmState[] = [];
  let current: XfrmState | null = null;
  let inCurrentLifetime = false;
  for (const line of text.split("\n")) {
    const head = /^src (\S+) dst (\S+)\s*$/.exec(line);
    if (head) {
      current = {
        src: head[1] as string,
        dst: head[2] as string,
        proto: "",
        spi: "",
        mode: null,
        encap: null,
        bytes: 0,
        packets: 0,
      };
      states.push(current);
      inCurrentLifetime = false;
      continue;
    }
    if (!current) continue;
    const proto = /^\s+proto (\S+) spi (0x[0-9a-f]+)/.exec(line);
    if (proto) {
      current.proto = proto[1] as string;
      current.spi = proto[2] as string;
      current.mode = /\bmode (\S+)/.exec(line)?.[1] ?? null;
      continue;
    }
    const encap = /^\s+encap type (\S+)/.exec(line);
    if (encap) current.encap = encap[1] as string;
    if (/^\s+lifetime current:/.test(line)) {
      inCurrentLifetime = true;
      continue;
    }
    const counters = /^\s+(\d+)\(bytes\), (\d+)\(packets\)/.exec(line);
    if (counters && inCurrentLifetime) {
      current.bytes = Number(counters[1]);
      current.packets = Number(counters[2]);
      inCurrentLifetime = false;
    }
  }
  return states;
}

/** bytes and packets over every SA, summed */
export const xfrmTotals = (states: XfrmState[]) =>
  states.reduce((t, s) => ({ bytes: t.bytes + s.bytes, packets: t.packets + s.packets }), { bytes: 0, packets: 0 });
