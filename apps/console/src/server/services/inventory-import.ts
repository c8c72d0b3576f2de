import type { Db, PrismaClient } from "@dmvpn/db";
import {
  type FieldIssue,
  formatIssue,
  type Inventory,
  planInventory,
  readInventoryYaml,
  readSitesCsv,
  toInventoryYaml,
} from "@dmvpn/inventory";
import { z } from "zod";
import { invalidInput } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { createSites, loadInventory, networkData, writeSite } from "./inventory-store";
import { importRenderIssues } from "./renderability";

export const importInputSchema = z.object({
  format: z.enum(["yaml", "csv"]),
  text: z.string().max(20 * 1024 * 1024, "the file is larger than 20 MiB"),
});
export type ImportInput = z.infer<typeof importInputSchema>;

export interface ImportChange {
  kind: "create" | "update" | "unchanged";
  entity: "network" | "site";
  name: string;
}

export interface ImportPreview {
  issues: { where: string; message: string; text: string }[];
  changes: ImportChange[];
  counts: Record<ImportChange["kind"], number>;
}

async function plan(db: Db, input: ImportInput) {
  const raw = input.format === "yaml" ? readInventoryYaml(input.text) : { networks: [], ...readSitesCsv(input.text) };
  const existing = await loadInventory(db);
  if (raw.issues.length) return { existing, planned: null, issues: raw.issues, raw };
  const planned = planInventory(raw, existing);
  // Only a well-formed import is rendered; what the renderer refuses is then the rest of what makes it invalid.
  const issues = planned.issues.length ? planned.issues : importRenderIssues(planned.inventory, raw);
  return { existing, planned, issues, raw };
}

function describe(issue: FieldIssue) {
  const text = formatIssue(issue);
  const [where = "", ...rest] = text.split(": ");
  return { where: rest.length ? where : "", message: rest.length ? rest.join(": ") : text, text };
}

function changesOf(
  existing: Inventory,
  planned: Inventory,
  raw: { networks: { fields: Record<string, unknown> }[]; sites: { fields: Record<string, unknown> }[] },
): ImportChange[] {
  const named = (list: { fields: Record<string, unknown> }[]) => new Set(list.map((r) => String(r.fields.name)));
  const touchedNetworks = named(raw.networks);
  const touchedSites = named(raw.sites);
  const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
  return [
    ...planned.networks
      .filter((n) => touchedNetworks.has(n.name))
      .map((n): ImportChange => {
        const before = existing.networks.find((e) => e.name === n.name);
        return { entity: "network", name: n.name, kind: !before ? "create" : same(before, n) ? "unchanged" : "update" };
      }),
    ...planned.sites
      .filter((s) => touchedSites.has(s.name))
      .map((s): ImportChange => {
        const before = existing.sites.find((e) => e.name === s.name);
        return { entity: "site", name: s.name, kind: !before ? "create" : same(before, s) ? "unchanged" : "update" };
      }),
  ];
}

/** JSON with sorted keys: records compare equal whatever order their fields were read in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** The dry run: every error by row/record, and what an import would create or change. Writes nothing. */
export async function previewImport(db: Db, input: ImportInput): Promise<ImportPreview> {
  const { existing, planned, issues, raw } = await plan(db, input);
  const changes = planned && !issues.length ? changesOf(existing, planned.inventory, raw) : [];
  const counts = { create: 0, update: 0, unchanged: 0 };
  for (const c of changes) counts[c.kind]++;
  return { issues: issues.map(describe), changes, counts };
}

/** Applies an import in one transaction, or nothing at all if any record has a problem. */
export async function applyImport(db: PrismaClient, actor: Actor, input: ImportInput) {
  return db.$transaction(
    async (tx) => {
      const { existing, planned, issues, raw } = await plan(tx, input);
      if (issues.length || !planned) throw invalidInput(issues);
      const changes = changesOf(existing, planned.inventory, raw);
      const ids = new Map(existing.ids);
      for (const change of changes.filter((c) => c.entity === "network" && c.kind !== "unchanged")) {
        const spec = planned.inventory.networks.find((n) => n.name === change.name);
        if (!spec) continue;
        const row = await tx.network.upsert({
          where: { name: spec.name },
          create: networkData(spec),
          update: networkData(spec),
        });
        ids.set(spec.name, row.id);
      }
      const bySiteName = new Map(planned.inventory.sites.map((s) => [s.name, s]));
      const located = (c: ImportChange) => {
        const spec = bySiteName.get(c.name);
        const networkId = spec && ids.get(spec.network);
        return spec && networkId ? [{ spec, networkId }] : [];
      };
      const siteChanges = changes.filter((c) => c.entity === "site");
      await createSites(tx, siteChanges.filter((c) => c.kind === "create").flatMap(located));
      for (const { spec, networkId } of siteChanges.filter((c) => c.kind === "update").flatMap(located)) {
        await writeSite(tx, spec, networkId);
      }
      const counts = { create: 0, update: 0, unchanged: 0 };
      for (const c of changes) counts[c.kind]++;
      await recordAudit(tx, actor, {
        action: "inventory.import",
        entityType: "inventory",
        after: { format: input.format, ...counts, changes: changes.filter((c) => c.kind !== "unchanged") },
      });
      return { counts, changes };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

/** The YAML export: the same format import and the `dmvpn` command line read. */
export async function exportInventory(db: Db, actor: Actor, options: { includeSecrets: boolean; networkId?: string }) {
  const inventory = await loadInventory(db, options.networkId ? [options.networkId] : undefined);
  if (options.includeSecrets) {
    await recordAudit(db, actor, {
      action: "inventory.export-with-secrets",
      entityType: "inventory",
      networkId: options.networkId ?? null,
    });
  }
  return toInventoryYaml(inventory, { includeSecrets: options.includeSecrets });
}
