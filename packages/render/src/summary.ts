/**
 * The prefixes a phase-3 hub announces instead of every spoke LAN: per private block (10/8, 172.16/12,
 * 192.168/16, otherwise per /8) the smallest prefix covering all LANs in it. Grouping keeps the summary from
 * collapsing to a default route when LANs come from different blocks.
 *
 * Plain integer arithmetic on already-validated prefixes: this runs over every LAN of a network, and going
 * through ip-num objects made it the slowest part of rendering 5,000 sites.
 */
const BLOCKS: [number, number][] = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
];

function parse(prefix: string): { base: number; length: number } {
  const [addr, len] = prefix.split("/");
  const [a, b, c, d] = (addr as string).split(".").map(Number) as [number, number, number, number];
  return { base: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, length: Number(len) };
}

const maskOf = (length: number) => (length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0);

export function summarisePrefixes(prefixes: string[]): string[] {
  const groups = new Map<number, { lo: number; hi: number }>();
  for (const p of prefixes) {
    const { base, length } = parse(p);
    const lo = base;
    const hi = (base | (~maskOf(length) >>> 0)) >>> 0;
    const block = BLOCKS.find(([b, l]) => length >= l && (lo & maskOf(l)) >>> 0 === b);
    const key = block ? block[0] : (lo & 0xff000000) >>> 0;
    const g = groups.get(key);
    if (g) {
      if (lo < g.lo) g.lo = lo;
      if (hi > g.hi) g.hi = hi;
    } else groups.set(key, { lo, hi });
  }
  return [...groups.values()].sort((x, y) => x.lo - y.lo).map(({ lo, hi }) => coveringPrefix(lo, hi));
}

function coveringPrefix(lo: number, hi: number): string {
  let len = 32;
  while (len > 0 && (lo & maskOf(len)) >>> 0 !== (hi & maskOf(len)) >>> 0) len--;
  return `${dotted((lo & maskOf(len)) >>> 0)}/${len}`;
}

/** 255.255.255.0 for /24; IOS wants masks. */
export function prefixMask(length: number): string {
  return dotted(maskOf(length));
}

function dotted(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
