import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { networkInterfaces } from "node:os";

/**
 * Where webhooks may send (L2). A webhook makes the console send requests on an admin's behalf from inside the
 * network, and its delivery log reports what happened: pointed at loopback, the cloud metadata address or the
 * LAN, that is a request forgery and port-scanning tool. So every address a receiver's name resolves to is
 * checked, when the webhook is saved and again when a delivery connects — to the address that was checked, so a
 * name cannot resolve to something harmless for the check and to 127.0.0.1 for the connection (DNS rebinding).
 *
 * Ranges are matched with node:net's BlockList (which also matches IPv4-mapped IPv6 such as ::ffff:127.0.0.1).
 */

type Range = [address: string, prefix: number, family: "ipv4" | "ipv6"];

function blockList(ranges: Range[]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return list;
}

/** Never a webhook receiver, whatever the setting: cloud metadata lives at 169.254.169.254. */
const ALWAYS_REFUSED: { reason: string; list: BlockList }[] = [
  {
    reason: "unspecified",
    list: blockList([
      ["0.0.0.0", 8, "ipv4"],
      ["::", 128, "ipv6"],
    ]),
  },
  {
    reason: "link-local",
    list: blockList([
      ["169.254.0.0", 16, "ipv4"],
      ["fe80::", 10, "ipv6"],
    ]),
  },
  {
    reason: "multicast or broadcast",
    list: blockList([
      ["224.0.0.0", 4, "ipv4"],
      ["240.0.0.0", 4, "ipv4"],
      ["ff00::", 8, "ipv6"],
    ]),
  },
];

/** Refused unless WEBHOOK_ALLOW_PRIVATE=true (receivers on the LAN, or on the console's host in a lab). */
const PRIVATE: { reason: string; list: BlockList }[] = [
  {
    reason: "loopback",
    list: blockList([
      ["127.0.0.0", 8, "ipv4"],
      ["::1", 128, "ipv6"],
    ]),
  },
  {
    reason: "private",
    list: blockList([
      ["10.0.0.0", 8, "ipv4"],
      ["172.16.0.0", 12, "ipv4"],
      ["192.168.0.0", 16, "ipv4"],
      ["fc00::", 7, "ipv6"],
      // NAT64 embeds an IPv4 address: 64:ff9b::7f00:1 reaches 127.0.0.1 through a translator.
      ["64:ff9b::", 96, "ipv6"],
    ]),
  },
  { reason: "shared (CGNAT)", list: blockList([["100.64.0.0", 10, "ipv4"]]) },
];

export interface TargetPolicy {
  allowPrivate: boolean;
  /** the console's own port: its own addresses on that port are never a receiver */
  consolePort: number;
}

export function targetPolicyFromEnv(env: Record<string, string | undefined> = process.env): TargetPolicy {
  return { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === "true", consolePort: Number(env.PORT ?? 3000) || 3000 };
}

/** An address the policy refuses: the reason is for the admin saving a webhook, never for the delivery log. */
export class RefusedTarget extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const familyOf = (address: string) => (isIP(address) === 6 ? "ipv6" : "ipv4");

function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) own.add(a.address);
  return own;
}

/** Why the policy refuses this address and port, or null when it may be contacted. */
export function refusalOf(address: string, port: number, policy: TargetPolicy): string | null {
  const family = familyOf(address);
  for (const { reason, list } of ALWAYS_REFUSED) if (list.check(address, family)) return `a ${reason} address`;
  const own = ownAddresses().has(address);
  if ((own || PRIVATE[0]?.list.check(address, family)) && port === policy.consolePort) return "the console itself";
  if (policy.allowPrivate) return null;
  for (const { reason, list } of PRIVATE) if (list.check(address, family)) return `a ${reason} address`;
  // A public address of the console's own host: its other services are not receivers either.
  return own ? "the console itself" : null;
}

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;
export const resolveAll: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** The URL's port, with the scheme's default. */
export const portOf = (url: URL) => Number(url.port || (url.protocol === "https:" ? 443 : 80));
/** The host as an address when it is one ([::1] → ::1), else null. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) ? host : null;
}

/**
 * Every address the URL's host stands for, all checked; throws RefusedTarget naming the first refused one.
 * Refusing when ANY address is refused: a client may pick any of them.
 */
export async function checkedAddresses(
  url: URL,
  policy: TargetPolicy,
  resolve: Resolve = resolveAll,
): Promise<{ address: string; family: number }[]> {
  const literal = literalAddress(url);
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: literal, family: isIP(literal) }];
  else {
    try {
      addresses = await resolve(url.hostname);
    } catch {
      throw new RefusedTarget(`its host ${url.hostname} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new RefusedTarget(`its host ${url.hostname} does not resolve`);
  for (const { address } of addresses) {
    const why = refusalOf(address, portOf(url), policy);
    if (why) throw new RefusedTarget(`${address} is ${why}`);
  }
  return addresses;
}

/** The message for the URL field when a webhook is saved with a refused target. */
export function targetProblem(err: RefusedTarget, policy: TargetPolicy): string {
  const hint = policy.allowPrivate ? "" : " (set WEBHOOK_ALLOW_PRIVATE=true to allow receivers on private networks)";
  return `must point to a public receiver: ${err.reason}${hint}`;
}
