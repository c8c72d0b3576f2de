import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

/**
 * The header the console's own server sets to the caller's address, overwriting whatever a client sent. Route code
 * reads only this: X-Forwarded-For is written by the client itself when nothing sits in front of the console.
 */
export const CLIENT_ADDRESS_HEADER = "x-dmvpn-client-address";

/**
 * TRUST_PROXY: comma-separated addresses or CIDRs of the proxies in front of the console (also proxy-addr's names
 * `loopback`, `linklocal`, `uniquelocal`). Empty (the default): the socket's peer is the client.
 */
export function parseTrustedProxies(setting: string | undefined): string[] {
  return (setting ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the nearest X-Forwarded-For
 * entry not itself a trusted proxy (proxy-addr, as Express does). Throws on a malformed TRUST_PROXY entry.
 */
export function clientAddressResolver(trustedProxies: string[]): (req: IncomingMessage) => string {
  const trust = proxyaddr.compile(trustedProxies);
  return (req) => (trustedProxies.length ? proxyaddr(req, trust) : (req.socket.remoteAddress ?? ""));
}
