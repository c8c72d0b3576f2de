import { IPv4, IPv4CidrRange, Validator } from "ip-num";

/** IPv4 helpers over ip-num; the rest of the code never touches address bits itself. */

export function isIPv4Address(value: string): boolean {
  return Validator.isValidIPv4String(value)[0] && /^\d{1,3}(\.\d{1,3}){3}$/.test(value);
}

/** A prefix in canonical form: valid notation and no host bits set (10.1.0.0/16, not 10.1.0.1/16). */
export function prefixProblem(value: string): string | null {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value) || !Validator.isValidIPv4CidrNotation(value)[0]) {
    return "must be an IPv4 prefix such as 10.1.0.0/24";
  }
  if (!Validator.isValidIPv4CidrRange(value)[0]) {
    const range = IPv4CidrRange.fromCidr(value);
    return `has host bits set; did you mean ${range.getFirst().toString()}/${range.cidrPrefix.getValue()}?`;
  }
  return null;
}

export function parsePrefix(value: string): IPv4CidrRange {
  return IPv4CidrRange.fromCidr(value);
}

export function prefixesOverlap(a: string, b: string): boolean {
  return parsePrefix(a).isOverlapping(parsePrefix(b));
}

export function prefixContainsAddress(prefix: string, address: string): boolean {
  return parsePrefix(prefix).contains(IPv4CidrRange.fromCidr(`${address}/32`));
}

export function addressToNumber(address: string): bigint {
  return new IPv4(address).value;
}

export function numberToAddress(value: bigint): string {
  return new IPv4(value).toString();
}

export function prefixLength(prefix: string): number {
  return Number(parsePrefix(prefix).cidrPrefix.getValue());
}

/** First and last host address (network and broadcast excluded, except /31 and /32 where every address is usable). */
export function hostRange(prefix: string): { first: bigint; last: bigint; size: number } {
  const range = parsePrefix(prefix);
  const first = range.getFirst().value;
  const last = range.getLast().value;
  if (prefixLength(prefix) >= 31) return { first, last, size: Number(last - first + 1n) };
  return { first: first + 1n, last: last - 1n, size: Number(last - first - 1n) };
}

export function isHostAddressOf(prefix: string, address: string): boolean {
  if (!prefixContainsAddress(prefix, address)) return false;
  const { first, last } = hostRange(prefix);
  const n = addressToNumber(address);
  return n >= first && n <= last;
}

/** Addresses that can never be a router's public (NBMA) address. */
export function isUnusablePublicAddress(address: string): boolean {
  if (!isIPv4Address(address)) return true;
  return ["0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4"].some((p) => prefixContainsAddress(p, address));
}

/**
 * First address (as a number) and size of an already validated prefix (prefixProblem is null), without ip-num:
 * for hot paths over every LAN of a network, where ip-num's parsing costs a third of a millisecond a prefix.
 */
export function validatedPrefixSpan(prefix: string): { start: number; size: number } {
  const [addr, len] = prefix.split("/") as [string, string];
  const [a, b, c, d] = addr.split(".").map(Number) as [number, number, number, number];
  return { start: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, size: 2 ** (32 - Number(len)) };
}

/** The prefix of validatedPrefixSpan's numbers: start must be aligned to size (a power of two). */
export function spanToPrefix(start: number, size: number): string {
  const dotted = `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}`;
  return `${dotted}/${32 - Math.log2(size)}`;
}
