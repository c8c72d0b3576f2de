import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { BODY_LIMITS, hasBody, withBodyWithin } from "../http/body-limit";
import { describeInternalError, internalErrorRef } from "../internal-error";
import { contextFromRequest, hasValidCredential } from "../request-context";
import { appRouter } from "./root";

/**
 * The dashboard's tRPC endpoint (/api/trpc), for the Next route and the test server alike. A body is read within
 * the limit of the caller's class: without a valid credential only the public procedures (sign-in, first admin)
 * can run, and they need a few hundred bytes. No response is cached: several carry secrets.
 */
export async function handleTrpcRequest(req: Request): Promise<Response> {
  let request: Request | Response = req;
  if (hasBody(req)) {
    const limit = (await hasValidCredential(req)) ? BODY_LIMITS.authenticated : BODY_LIMITS.unauthenticated;
    request = await withBodyWithin(req, limit);
    if (request instanceof Response) return request;
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: ({ req, resHeaders }) => contextFromRequest(req, resHeaders),
    responseMeta: () => ({ headers: { "cache-control": "no-store" } }),
    onError({ error, path }) {
      // Unexpected failures only; expected ones (bad input, auth) are the caller's business. No input is logged.
      if (error.code === "INTERNAL_SERVER_ERROR") {
        console.error(
          `tRPC ${path ?? "?"} failed (reference ${internalErrorRef(error)}): ${describeInternalError(error)}`,
        );
      }
    },
  });
}
