import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { describeInternalError, internalErrorRef } from "~/server/internal-error";
import { contextFromRequest } from "~/server/request-context";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ req, resHeaders }) => contextFromRequest(req, resHeaders),
    onError({ error, path }) {
      // Unexpected failures only; expected ones (bad input, auth) are the caller's business. No input is logged.
      if (error.code === "INTERNAL_SERVER_ERROR") {
        console.error(
          `tRPC ${path ?? "?"} failed (reference ${internalErrorRef(error)}): ${describeInternalError(error)}`,
        );
      }
    },
  });

export { handler as GET, handler as POST };
