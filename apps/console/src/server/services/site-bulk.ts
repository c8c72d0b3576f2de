import type { Db, PrismaClient } from "@dmvpn/db";
import Papa from "papaparse";
import { z } from "zod";
import { DomainError, invalidInput } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { siteData, toSiteSpec } from "./inventory-store";
import { listSiteStates } from "./site-states";
import { siteFilterSchema, siteFilterWhere } from "./sites";
import type { LatestStatus } from "./status-rows";

const MAX_SELECTION = 5000;

/** Sites picked by hand on the list, or every site matching its filters (all pages). */
export const siteSelectionSchema = z.union([
  z.object({ siteIds: z.array(z.string().min(1).max(64)).min(1, "select at least one site").max(MAX_SELECTION) }),
  z.object({ filter: siteFilterSchema }),
]);
export type SiteSelection = z.infer<typeof siteSelectionSchema>;

/** Same rule as a site's own tags (packages/inventory), so a bulk tag can be saved back through the site form. */
const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.:-]{0,31}$/, "tags are lower-case letters, digits, '_', '.', ':' and '-', at most 32");

export const bulkTagInputSchema = z
  .object({
    selection: siteSelectionSchema,
    add: z.array(tagSchema).max(20).default([]),
    remove: z.array(tagSchema).max(20).default([]),
  })
  .refine((t) => t.add.length + t.remove.length > 0, { path: ["add"], message: "name a tag to add or remove" });

async function selectSites(db: Db, selection: SiteSelection) {
  const where =
    "siteIds" in selection ? { id: { in: [...new Set(selection.siteIds)] } } : siteFilterWhere(selection.filter);
  const rows = await db.site.findMany({
    where,
    orderBy: { name: "asc" },
    take: MAX_SELECTION + 1,
    include: { tags: true, network: { select: { id: true, name: true } } },
  });
  if (rows.length > MAX_SELECTION) throw new DomainError("BAD_REQUEST", "the selection has more than 5,000 sites");
  if ("siteIds" in selection && rows.length !== new Set(selection.siteIds).size)
    throw invalidInput([{ path: ["selection", "siteIds"], message: "some selected sites no longer exist" }]);
  return rows;
}

/** Adds and removes tags on every selected site in one transaction; the search key follows the tags. */
export async function bulkTagSites(db: PrismaClient, actor: Actor, input: z.input<typeof bulkTagInputSchema>) {
  const { selection, add, remove } = bulkTagInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    const rows = await selectSites(tx, selection);
    if (!rows.length) throw new DomainError("BAD_REQUEST", "no site matches the selection");
    let changed = 0;
    for (const row of rows) {
      const spec = toSiteSpec(row, row.network.name);
      const tags = [...new Set([...spec.tags.filter((t) => !remove.includes(t)), ...add])].sort();
      if (tags.length > 20)
        throw invalidInput([{ path: ["add"], message: `${row.name} would have more than 20 tags` }]);
      if (tags.join(",") === spec.tags.join(",")) continue;
      changed++;
      await tx.siteTag.deleteMany({ where: { siteId: row.id, tag: { notIn: tags } } });
      const have = new Set(spec.tags);
      const added = tags.filter((t) => !have.has(t));
      if (added.length) await tx.siteTag.createMany({ data: added.map((tag) => ({ siteId: row.id, tag })) });
      await tx.site.update({
        where: { id: row.id },
        data: { searchKey: siteData({ ...spec, tags }, row.networkId).searchKey },
      });
    }
    await recordAudit(tx, actor, {
      action: "site.tags-changed",
      entityType: "site",
      after: { sites: rows.map((r) => r.name), add, remove, changed },
    });
    return { selected: rows.length, changed };
  });
}

const CSV_COLUMNS = [
  "name",
  "network",
  "role",
  "platform",
  "management",
  "online",
  "tunnelAddress",
  "publicAddress",
  "lanPrefixes",
  "tags",
  "deployedRevision",
  "drift",
] as const;

/** The selected sites as CSV (one row per site, the list's columns and state); no secrets are in any column. */
export async function exportSitesCsv(db: Db, selection: SiteSelection, latest?: LatestStatus) {
  const rows = await selectSites(db, selection);
  const states = new Map<string, Awaited<ReturnType<typeof listSiteStates>>[number]>();
  // the state query takes pages of 200, like the list
  for (let i = 0; i < rows.length; i += 200) {
    for (const s of await listSiteStates(
      db,
      rows.slice(i, i + 200).map((r) => r.id),
      latest,
    ))
      states.set(s.siteId, s);
  }
  const data = rows.map((row) => {
    const spec = toSiteSpec(row, row.network.name);
    const state = states.get(row.id);
    return {
      name: spec.name,
      network: spec.network,
      role: spec.role,
      platform: spec.platform,
      management: state?.management ?? "",
      online: state?.online === null || state === undefined ? "" : state.online ? "online" : "offline",
      tunnelAddress: spec.tunnelAddress,
      publicAddress: spec.publicAddress ?? "",
      lanPrefixes: spec.lanPrefixes.join(" "),
      tags: spec.tags.join(" "),
      deployedRevision: state?.deployedRevision ?? "",
      drift: state?.drift ?? "",
    };
  });
  // escapeFormulae: a site name or tag starting with "=" must not run as a formula in a spreadsheet
  const csv = Papa.unparse(data, { columns: [...CSV_COLUMNS], escapeFormulae: true, newline: "\r\n" });
  return { filename: `sites-${new Date().toISOString().slice(0, 10)}.csv`, rows: rows.length, csv };
}
