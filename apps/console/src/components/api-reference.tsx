import { Badge, Card, PageHeader } from "./ui";

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
};
interface Operation {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}
export interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

/** A compact type line for a schema: enough to call the API without reading JSON Schema. */
function typeOf(s: Schema | undefined, depth = 0): string {
  if (!s) return "any";
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map((a) => typeOf(a, depth)).join(" | ");
  const type = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
  if (type === "array") return `${typeOf(s.items, depth)}[]`;
  if (type === "object" && s.properties) {
    if (depth > 1) return "{…}";
    const req = new Set(s.required ?? []);
    return `{ ${Object.entries(s.properties)
      .map(([k, v]) => `${k}${req.has(k) ? "" : "?"}: ${typeOf(v, depth + 1)}`)
      .join("; ")} }`;
  }
  return type ?? "any";
}

const METHOD_TONE = { get: "blue", post: "green", put: "amber", delete: "red", patch: "violet" } as const;

/** The OpenAPI document rendered as a reference: every operation with its parameters, body and response. */
export function ApiReference({ doc }: { doc: OpenApiDoc }) {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const tags = [...new Set(operations.map((o) => o.op.tags?.[0] ?? "other"))];
  return (
    <>
      <PageHeader
        title={`${doc.info.title} ${doc.info.version}`}
        subtitle={
          <>
            {doc.info.description} Base URL <code>/api/v1</code>; machine-readable:{" "}
            <a className="text-sky-700 underline" href="/api/openapi.json">
              /api/openapi.json
            </a>
            .
          </>
        }
      />
      <div className="space-y-4">
        {tags.map((tag) => (
          <Card key={tag} title={tag}>
            <div className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {operations
                .filter((o) => (o.op.tags?.[0] ?? "other") === tag)
                .map(({ path, method, op }) => {
                  const body = op.requestBody?.content?.["application/json"]?.schema;
                  const ok = op.responses?.["200"]?.content?.["application/json"]?.schema;
                  return (
                    <section key={`${method} ${path}`} className="space-y-1 py-3" data-operation={`${method} ${path}`}>
                      <h3 className="flex items-center gap-2 font-mono text-[13px]">
                        <Badge tone={METHOD_TONE[method as keyof typeof METHOD_TONE] ?? "neutral"}>
                          {method.toUpperCase()}
                        </Badge>
                        /api/v1{path}
                      </h3>
                      {op.summary ? <p className="text-zinc-600 dark:text-zinc-400">{op.summary}</p> : null}
                      {op.parameters?.length ? (
                        <ul className="font-mono text-xs">
                          {op.parameters.map((p) => (
                            <li key={`${p.in}-${p.name}`}>
                              {p.in} <b>{p.name}</b>
                              {p.required ? "" : "?"}: {typeOf(p.schema)}
                            </li>
                          ))}
                        </ul>
                      ) : null}
                      {body ? <p className="font-mono text-xs">body: {typeOf(body)}</p> : null}
                      <p className="font-mono text-xs text-zinc-500">200: {typeOf(ok)}</p>
                    </section>
                  );
                })}
            </div>
          </Card>
        ))}
      </div>
    </>
  );
}
