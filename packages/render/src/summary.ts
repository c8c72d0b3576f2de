import { addressToNumber, numberToAddress, parsePrefix } from "@dmvpn/inventory";

/**
 * The prefixes a phase-3 hub announces instead of every spoke LAN: per private block (10/8, 172.16/12,
 * 192.168/16, otherwise per /8) the smallest prefix covering all LANs in it. Grouping keeps the summary from
 * collapsing to a default route when LANs come from different blocks.
 */
const BLOCKS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

export function summarisePrefixes(prefixes: string[]): string[] {
  const groups = new Map<string, { lo: bigint; hi: bigint }>();
  for (const p of prefixes) {
    const range = parsePrefix(p);
    const lo = range.getFirst().value;
    const hi = range.getLast().value;
    const block = BLOCKS.find((b) => parsePrefix(b).contains(range)) ?? `${Number(lo >> 24n)}.0.0.0/8`;
    const g = groups.get(block);
    if (g) {
      if (lo < g.lo) g.lo = lo;
      if (hi > g.hi) g.hi = hi;
    } else groups.set(block, { lo, hi });
  }
  const out = [...groups.values()].map(({ lo, hi }) => coveringPrefix(lo, hi));
  return out.sort((a, b) => {
    const x = addressToNumber(a.split("/")[0] as string);
    const y = addressToNumber(b.split("/")[0] as string);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function coveringPrefix(lo: bigint, hi: bigint): string {
  let len = 32;
  while (len > 0 && lo >> BigInt(32 - len) !== hi >> BigInt(32 - len)) len--;
  const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(32 - len);
  return `${numberToAddress(lo & mask)}/${len}`;
}

/** 255.255.255.0 for /24; IOS wants masks. */
export function prefixMask(length: number): string {
  const mask = length === 0 ? 0n : ((1n << BigInt(length)) - 1n) << BigInt(32 - length);
  return numberToAddress(mask);
}
