import { createOpenApiFetchHandler } from "trpc-to-openapi";
import { contextFromRequest } from "../request-context";
import { openApiRouter, REST_BASE_PATH } from "./openapi";

/** Larger bodies are refused before they are read (the largest legitimate one is a 20 MiB import). */
const MAX_BODY_BYTES = 21 * 1024 * 1024;
/** Names of Object.prototype members (valueOf, __proto__, …) shadow built-ins in the parsed query: refused. */
const isForbiddenParam = (name: string) => name in Object.prototype || name === "prototype";

/**
 * REST: the same procedures, context and role middleware as the dashboard's tRPC endpoint, mapped by each
 * procedure's `meta.openapi` (trpc-to-openapi). Errors come back as JSON `{ message, code, issues? }`.
 */
export async function handleRestRequest(req: Request): Promise<Response> {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) {
    return Response.json({ message: "the request body is too large", code: "PAYLOAD_TOO_LARGE" }, { status: 413 });
  }
  // The query string becomes a plain object inside trpc-to-openapi; such names crashed it (found by the fuzz test).
  const names = [...new URL(req.url).searchParams.keys()];
  const bad = names.find(isForbiddenParam);
  if (bad !== undefined) {
    return Response.json({ message: `query parameter ${bad} is not allowed`, code: "BAD_REQUEST" }, { status: 400 });
  }
  return createOpenApiFetchHandler({
    endpoint: REST_BASE_PATH,
    router: openApiRouter,
    req,
    createContext: ({ req, resHeaders }) => contextFromRequest(req, resHeaders),
    onError({ error, path }) {
      // Unexpected failures only; no input is logged (it may hold keys).
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`REST ${path ?? "?"} failed:`, error.message);
    },
  });
}
