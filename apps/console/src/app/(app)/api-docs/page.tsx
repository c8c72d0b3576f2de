import { ApiReference, type OpenApiDoc } from "~/components/api-reference";
import { openApiDocument } from "~/server/api/openapi";

export const metadata = { title: "API reference" };
export const dynamic = "force-dynamic";

export default function ApiDocsPage() {
  return <ApiReference doc={openApiDocument() as unknown as OpenApiDoc} />;
}
