import { z } from "zod";

/**
 * Where the console is: --console, else DMVPN_CONSOLE. The token comes only from DMVPN_TOKEN: a flag would leave
 * it in the shell history and in every process listing.
 */
export interface ConnectionOptions {
  console?: string;
}

const consoleUrlSchema = z.url({
  protocol: /^https?$/,
  error: "must be an http(s) URL, e.g. https://console.example.net",
});
// Tokens are opaque; only their shape is checked so a typo fails before any request is sent.
const tokenSchema = z.string().regex(/^dmvpn_[A-Za-z0-9_-]+$/, "must be an API token (dmvpn_…)");
const errorBodySchema = z.looseObject({
  message: z.string(),
  issues: z.array(z.looseObject({ message: z.string(), path: z.array(z.unknown()).optional() })).optional(),
});

/** A failure the user can act on; its message never contains the token. */
export class ConsoleError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ConsoleClient {
  readonly baseUrl: string;
  get<T extends z.ZodType>(path: string, schema: T, query?: Query): Promise<z.infer<T>>;
  post<T extends z.ZodType>(path: string, schema: T, body: unknown): Promise<z.infer<T>>;
}

export function connectToConsole(
  options: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
  fetchImpl: typeof fetch = fetch,
): ConsoleClient {
  const rawUrl = options.console ?? env.DMVPN_CONSOLE;
  if (!rawUrl) throw new ConsoleError("no console: pass --console URL or set DMVPN_CONSOLE");
  const url = consoleUrlSchema.safeParse(rawUrl);
  if (!url.success) throw new ConsoleError(`--console / DMVPN_CONSOLE ${url.error.issues[0]?.message}`);
  const rawToken = env.DMVPN_TOKEN;
  if (!rawToken) throw new ConsoleError("no API token: set DMVPN_TOKEN (create one under Settings → API tokens)");
  const token = tokenSchema.safeParse(rawToken.trim());
  if (!token.success) throw new ConsoleError(`DMVPN_TOKEN ${token.error.issues[0]?.message}`);
  const baseUrl = `${url.data.replace(/\/+$/, "")}/api/v1`;

  async function call<T extends z.ZodType>(method: string, path: string, schema: T, query?: Query, body?: unknown) {
    const target = new URL(`${baseUrl}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) target.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await fetchImpl(target, {
        method,
        headers: {
          authorization: `Bearer ${token.data}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new ConsoleError(`cannot reach the console at ${url.data}${cause ? ` (${cause})` : ""}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ConsoleError(`${method} ${path}: the console answered HTTP ${res.status} with something not JSON`);
    }
    if (!res.ok) {
      const err = errorBodySchema.safeParse(json);
      const detail = err.success
        ? [err.data.message, ...(err.data.issues ?? []).map((i) => `  ${(i.path ?? []).join(".")}: ${i.message}`)]
        : [`HTTP ${res.status}`];
      throw new ConsoleError(detail.join("\n"), res.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ConsoleError(
        `${method} ${path}: unexpected answer from the console (${first?.path.join(".") || "body"}: ${first?.message}); is it a DMVPN Console of a matching version?`,
      );
    }
    return parsed.data as z.infer<T>;
  }

  return {
    baseUrl,
    get: (path, schema, query) => call("GET", path, schema, query),
    post: (path, schema, body) => call("POST", path, schema, undefined, body),
  };
}
