import { readEnv } from "../env";
import { type Context, type CookieJar, createContext } from "./api/trpc";
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
  return createContext({ db: getRuntime().db, cookies: jar, userAgent: req.headers.get("user-agent"), secure });
}
