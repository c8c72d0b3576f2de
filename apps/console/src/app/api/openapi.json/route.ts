import { openApiDocument } from "~/server/api/openapi";

export const dynamic = "force-dynamic";

/** The OpenAPI 3 document of /api/v1, generated from the tRPC procedures. Public: it holds no data. */
export function GET() {
  return Response.json(openApiDocument());
}
