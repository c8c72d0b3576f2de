import { createOpenApiFetchHandler } from "trpc-to-openapi";
import { BODY_LIMITS, hasBody, withBodyWithin } from "../http/body-limit";
import { contextFromRequest, hasValidCredential } from "../request-context";
import { openApiRouter, REST_BASE_PATH } from "./openapi";

/** Names of Object.prototype members (valueOf, __proto__, …) shadow built-ins in the parsed query: refused. */
const isForbiddenParam = (name: string) => name in Object.prototype || name === "prototype";

/**
 * REST: the same procedures, context and role middleware as the dashboard's tRPC endpoint, mapped by each
 * procedure's `meta.openapi` (trpc-to-openapi). Errors come back as JSON `{ message, code, issues? }`. Every
 * REST procedure needs a credential, so a body from a caller without a valid one is refused before it is read;
 * others are read within the authenticated limit. No response is cached: several carry secrets.
 */
export async function handleRestRequest(req: Request): Promise<Response> {
  const response = await handle(req);
  response.headers.set("cache-control", "no-store");
  return response;
}

async function handle(req: Request): Promise<Response> {
  let request: Request | Response = req;
  if (hasBody(req)) {
    if (!(await hasValidCredential(req))) {
      return Response.json(
        { message: "sign in or send a valid API token first", code: "UNAUTHORIZED" },
        { status: 401 },
      );
    }
    request = await withBodyWithin(req, BODY_LIMITS.authenticated);
    if (request instanceof Response) return request;
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
    req: request,
    createContext: ({ req, resHeaders }) => contextFromRequest(req, resHeaders),
    onError({ error, path }) {
      // Unexpected failures only; no input is logged (it may hold keys).
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`REST ${path ?? "?"} failed:`, error.message);
    },
  });
}
