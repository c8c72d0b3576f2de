/**
 * Masks for IOS. (The hubs' BGP summaries are the inventory's: @dmvpn/inventory effectiveSummaries.)
 *
 * Plain integer arithmetic: this runs for every prefix of every IOS config.
 */
const maskOf = (length: number) => (length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0);

/** 255.255.255.0 for /24; IOS wants masks. */
export function prefixMask(length: number): string {
  return dotted(maskOf(length));
}

function dotted(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
