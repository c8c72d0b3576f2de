import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AUDIT_ENTITY_LABELS, AUDIT_ENTITY_TYPES, auditEntityHref } from "./audit-entities";

const services = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../server/services");

describe("audit entity types", () => {
  it("cover every entity type a service records, so each has a filter", () => {
    const recorded = new Set<string>();
    for (const file of readdirSync(services)) {
      if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
      const source = readFileSync(path.join(services, file), "utf8");
      for (const m of source.matchAll(/entityType: "([a-z-]+)"/g)) recorded.add(m[1] as string);
    }
    expect(recorded.size).toBeGreaterThan(3);
    expect([...recorded].filter((t) => !(AUDIT_ENTITY_TYPES as readonly string[]).includes(t))).toEqual([]);
    for (const t of AUDIT_ENTITY_TYPES) expect(AUDIT_ENTITY_LABELS[t]).toBeTruthy();
  });
});

describe("auditEntityHref", () => {
  const entry = (entityType: string, action = `${entityType}.update`, entityId: string | null = "c1d2") => ({
    entityType,
    entityId,
    action,
  });

  it("links networks, sites and deployments to their own page", () => {
    expect(auditEntityHref(entry("network"), "viewer")).toBe("/networks/c1d2");
    expect(auditEntityHref(entry("site"), "viewer")).toBe("/sites/c1d2");
    expect(auditEntityHref(entry("deployment", "deployment.create"), "operator")).toBe("/deployments/c1d2");
  });

  it("links the other types to the page that lists them", () => {
    expect(auditEntityHref(entry("inventory", "inventory.import", null), "operator")).toBe("/import");
    expect(auditEntityHref(entry("api-token", "api-token.create"), "viewer")).toBe("/settings/tokens");
    expect(auditEntityHref(entry("user"), "admin")).toBe("/users");
    expect(auditEntityHref(entry("webhook", "webhook.create"), "admin")).toBe("/settings/webhooks");
  });

  it("offers admin pages to admins only", () => {
    expect(auditEntityHref(entry("user"), "operator")).toBeNull();
    expect(auditEntityHref(entry("webhook", "webhook.ping"), "viewer")).toBeNull();
  });

  it("does not link to what the entry deleted, nor to unknown types", () => {
    expect(auditEntityHref(entry("site", "site.delete"), "admin")).toBeNull();
    expect(auditEntityHref(entry("gadget"), "admin")).toBeNull();
  });

  it("escapes ids so an odd id cannot change the path", () => {
    expect(auditEntityHref(entry("site", "site.update", "a/../b"), "admin")).toBe("/sites/a%2F..%2Fb");
  });
});
