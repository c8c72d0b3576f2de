import { generateOpenApiDocument, type OpenApiRouter } from "trpc-to-openapi";
import { appRouter } from "./root";

/** The REST API is served under this path; every operation is a tRPC procedure with `meta.openapi`. */
export const REST_BASE_PATH = "/api/v1";

/**
 * trpc-to-openapi is typed against the @trpc/server it resolves (11.25 at the root), the console uses 11.22;
 * their router types differ only in a config field it does not read.
 */
export const openApiRouter = appRouter as unknown as OpenApiRouter;

let cached: ReturnType<typeof generateOpenApiDocument> | undefined;

/** The OpenAPI 3 document, generated from the same procedures (and zod schemas) the dashboard calls. */
export function openApiDocument(): ReturnType<typeof generateOpenApiDocument> {
  cached ??= generateOpenApiDocument(openApiRouter, {
    title: "DMVPN Console API",
    version: "1.0.0",
    description:
      "Networks, sites, rendered configs and the inventory. Authenticate with an API token from Settings → API " +
      "tokens: `Authorization: Bearer dmvpn_…`. Read tokens may call GET operations only. Pre-shared keys are " +
      "returned only to admins who ask for them explicitly, and each such read is audited.",
    baseUrl: REST_BASE_PATH,
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", description: "an API token (dmvpn_…)" } },
  });
  return cached;
}
