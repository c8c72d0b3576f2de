import { ROUTING_PROTOCOLS, SITE_ROLES } from "@dmvpn/inventory";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
}
interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: { "application/json"?: { schema?: JsonSchema } } };
}

const doc = openApiDocument();
const writes = Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
  Object.entries(methods ?? {})
    .filter(([method]) => ["post", "put", "patch"].includes(method))
    .map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Operation })),
);
const body = (method: string, path: string): JsonSchema => {
  const found = writes.find((w) => w.method === method && w.path === path);
  const schema = found?.op.requestBody?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`${method} ${path} has no JSON body`);
  return schema;
};

describe("the OpenAPI document describes every request body", () => {
  it("has write operations to check", () => {
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual(
      expect.arrayContaining(["POST /networks", "PUT /networks/{id}", "POST /sites", "PUT /sites/{id}"]),
    );
  });

  it.each(writes)("$method $path: a body with named properties, or all input in the path", ({ path, op }) => {
    const schema = op.requestBody?.content?.["application/json"]?.schema;
    if (schema) {
      expect(schema.type).toBe("object");
      expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
      // A nested record (`site`, `network`) is described too, not left as an open `{}`.
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        if (prop.type === "object") expect(Object.keys(prop.properties ?? {}), name).not.toEqual([]);
      }
    } else {
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(pathParams.length).toBeGreaterThan(0);
      expect(op.parameters?.filter((p) => p.in === "path").map((p) => p.name)).toEqual(pathParams);
    }
  });

  it("lists a network's fields and which are required", () => {
    const network = body("POST", "/networks");
    expect(network.required).toEqual(expect.arrayContaining(["name", "tunnelPrefix", "greKey", "nhrpNetworkId"]));
    expect(network.required).not.toContain("ipsecPsk");
    expect(network.properties?.routing?.enum).toEqual([...ROUTING_PROTOCOLS]);
    const replaced = body("PUT", "/networks/{id}").properties?.network;
    expect(Object.keys(replaced?.properties ?? {}).sort()).toEqual(Object.keys(network.properties ?? {}).sort());
  });

  it("lists a site's fields and which are required; addresses may be left out", () => {
    const create = body("POST", "/sites");
    expect(create.required).toEqual(expect.arrayContaining(["networkId", "site"]));
    const site = create.properties?.site;
    expect([...(site?.required ?? [])].sort()).toEqual(["name", "platform", "role", "wanInterface"]);
    expect(Object.keys(site?.properties ?? {})).toEqual(
      expect.arrayContaining(["publicAddress", "tunnelAddress", "asn", "lanPrefixes", "tags", "notes"]),
    );
    expect(site?.properties?.role?.enum).toEqual([...SITE_ROLES]);
    expect(body("PUT", "/sites/{id}").properties?.site?.required).toEqual(site?.required);
  });
});
