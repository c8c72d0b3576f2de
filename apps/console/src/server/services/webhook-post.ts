import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { checkedAddresses, RefusedTarget, type Resolve, resolveAll, type TargetPolicy } from "./webhook-target";

/**
 * One POST to a webhook receiver over node:http(s), connecting only to addresses checkedAddresses() allowed: the
 * socket's lookup answers with those, so the connection goes where the check looked (no second DNS answer).
 * Redirects are not followed. Resolves with the HTTP status; rejects with the error the attempt ended in.
 */
export async function postToReceiver(
  url: URL,
  headers: Record<string, string>,
  body: string,
  opts: { policy: TargetPolicy; resolve?: Resolve; timeoutMs: number },
): Promise<number> {
  const addresses = await checkedAddresses(url, opts.policy, opts.resolve ?? resolveAll);
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
    const list = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
    const first = list[0];
    if (!first) return callback(Object.assign(new Error("no address"), { code: "ENOTFOUND" }), "", 0);
    if (options.all) return callback(null, list);
    return callback(null, first.address, first.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolvePromise, reject) => {
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        res.resume();
        resolvePromise(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** What the delivery log says about a failed attempt: a class, never the raw error (it names hosts and ports). */
export const DELIVERY_ERRORS = [
  "refused: private address",
  "host not found",
  "connection refused",
  "connection reset",
  "host unreachable",
  "timed out",
  "TLS error",
  "request failed",
] as const;
export type DeliveryError = (typeof DELIVERY_ERRORS)[number];

export function deliveryErrorOf(err: unknown): DeliveryError {
  if (err instanceof RefusedTarget) {
    return /does not resolve/.test(err.reason) ? "host not found" : "refused: private address";
  }
  const e = err as { name?: string; code?: string; cause?: { code?: string } } | null;
  const code = e?.code ?? e?.cause?.code ?? "";
  if (e?.name === "AbortError" || e?.name === "TimeoutError" || code === "ETIMEDOUT") return "timed out";
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED") return "connection reset";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "host unreachable";
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code)) return "TLS error";
  return "request failed";
}

const HTTP_ANSWER = /^receiver answered HTTP \d{3}$/;

/** A stored lastError as the log may show it: rows from before these classes existed hold raw error text. */
export function shownDeliveryError(stored: string | null): string | null {
  if (stored === null) return null;
  return HTTP_ANSWER.test(stored) || (DELIVERY_ERRORS as readonly string[]).includes(stored)
    ? stored
    : "request failed";
}
