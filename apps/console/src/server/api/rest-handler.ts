import { createOpenApiFetchHandler } from "trpc-to-openapi";
import { contextFromRequest } from "../request-context";
import { openApiRouter, REST_BASE_PATH } from "./openapi";

/** Larger bodies are refused before they are read (the largest legitimate one is a 20 MiB import). */
const MAX_BODY_BYTES = 21 * 1024 * 1024;

/**
 * REST: the same procedures, context and role middleware as the dashboard's tRPC endpoint, mapped by each
 * procedure's `meta.openapi` (trpc-to-openapi). Errors come back as JSON `{ message, code, issues? }`.
 */
export async function handleRestRequest(req: Request): Promise<Response> {
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) {
    return Response.json({ message: "the request body is too large", code: "PAYLOAD_TOO_LARGE" }, { status: 413 });
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
