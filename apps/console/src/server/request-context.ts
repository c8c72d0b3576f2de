import { readEnv } from "../env";
import { type Context, type CookieJar, createContext } from "./api/trpc";
import { CLIENT_ADDRESS_HEADER } from "./http/client-address";
import { getRuntime } from "./runtime";

const env = readEnv();

function isSecure(headers: Headers, url: string): boolean {
  if (env.SECURE_COOKIES !== "auto") return env.SECURE_COOKIES === "true";
  return url.startsWith("https:") || headers.get("x-forwarded-proto") === "https";
}

function serializeCookie(name: string, value: string, expires: Date, secure: boolean): string {
  // HttpOnly: scripts cannot read the session; SameSite=Lax: not sent on cross-site posts.
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Expires=${expires.toUTCString()}${secure ? "; Secure" : ""}`;
}

/**
 * Whether a browser request comes from the console's own pages. Browsers send Sec-Fetch-Site (and Origin on
 * every POST); a request with neither is not from a browser page, so it carries no ambient cookie risk.
 */
export function isSameOrigin(headers: Headers): boolean {
  const site = headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = headers.get("origin");
  if (!origin) return true;
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The caller's address as the console's server resolved it (socket peer, or per TRUST_PROXY); never a client header. */
function clientIp(headers: Headers): string | null {
  return headers.get(CLIENT_ADDRESS_HEADER) || null;
}

/** Context for an HTTP request: cookies from the request, new cookies onto the response headers. */
export function contextFromRequest(req: Request, resHeaders: Headers): Promise<Context> {
  const cookieHeader = req.headers.get("cookie") ?? "";
  const cookies = new Map(
    cookieHeader
      .split(";")
      .map((c) => c.trim().split("="))
      .filter((p): p is [string, string] => p.length >= 2 && Boolean(p[0]))
      .map(([k, ...v]) => [k, v.join("=")]),
  );
  const secure = isSecure(req.headers, req.url);
  const jar: CookieJar = {
    get: (name) => cookies.get(name),
    set: (name, value, o) => resHeaders.append("set-cookie", serializeCookie(name, value, o.expires, o.secure)),
    clear: (name) => resHeaders.append("set-cookie", serializeCookie(name, "", new Date(0), secure)),
  };
  return createContext({
    db: getRuntime().db,
    cookies: jar,
    userAgent: req.headers.get("user-agent"),
    secure,
    authorization: req.headers.get("authorization"),
    sameOrigin: isSameOrigin(req.headers),
    clientIp: clientIp(req.headers),
  });
}

/** Whether the request carries a credential the console accepts (session cookie or API token); reads no body. */
export async function hasValidCredential(req: Request): Promise<boolean> {
  return (await contextFromRequest(req, new Headers())).user !== null;
}
