import type { Db, Prisma, PrismaClient } from "@dmvpn/db";
import { PLATFORMS, planInventory, SITE_ROLES, type SiteInput } from "@dmvpn/inventory";
import { z } from "zod";
import { DomainError, invalidInput, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { loadInventory, toSiteSpec, writeSite } from "./inventory-store";
import { siteRenderIssues } from "./renderability";

/** The sites list's filters: also what "every site matching the filter" means for bulk actions. */
export const siteFilterSchema = z.object({
  search: z.string().trim().max(100).optional(),
  networkId: z.string().max(64).optional(),
  role: z.enum(SITE_ROLES).optional(),
  platform: z.enum(PLATFORMS).optional(),
  tag: z.string().trim().toLowerCase().max(32).optional(),
});
export type SiteFilter = z.infer<typeof siteFilterSchema>;

export function siteFilterWhere(q: SiteFilter): Prisma.SiteWhereInput {
  return {
    ...(q.search ? { searchKey: { contains: q.search.toLowerCase() } } : {}),
    ...(q.networkId ? { networkId: q.networkId } : {}),
    ...(q.role ? { role: q.role } : {}),
    ...(q.platform ? { platform: q.platform } : {}),
    ...(q.tag ? { tags: { some: { tag: q.tag } } } : {}),
  };
}

export const siteListQuerySchema = siteFilterSchema.extend({
  sort: z.enum(["name", "role", "platform", "tunnelAddress", "network", "updatedAt"]).default("name"),
  direction: z.enum(["asc", "desc"]).default("asc"),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type SiteListQuery = z.input<typeof siteListQuerySchema>;

/** Server-side search, filter, sort and paging: indexed columns only, so 5,000 sites stay fast. */
export async function listSites(db: Db, query: SiteListQuery) {
  const q = siteListQuerySchema.parse(query);
  const where = siteFilterWhere(q);
  const orderBy: Prisma.SiteOrderByWithRelationInput[] =
    q.sort === "tunnelAddress"
      ? [{ tunnelAddressNum: q.direction }]
      : q.sort === "network"
        ? [{ network: { name: q.direction } }, { name: "asc" }]
        : [{ [q.sort]: q.direction }, { name: "asc" }];
  const [rows, total] = await Promise.all([
    db.site.findMany({
      where,
      orderBy,
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      include: { tags: true, network: { select: { id: true, name: true } } },
    }),
    db.site.count({ where }),
  ]);
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    rows: rows.map((r) => ({
      id: r.id,
      networkId: r.networkId,
      ...toSiteSpec(r, r.network.name),
      updatedAt: r.updatedAt,
    })),
  };
}

export async function getSite(db: Db, id: string) {
  const row = await db.site.findUnique({ where: { id }, include: { tags: true, network: true } });
  if (!row) throw notFound("site");
  return {
    id: row.id,
    networkId: row.networkId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ...toSiteSpec(row, row.network.name),
  };
}

export async function listSiteTags(db: Db): Promise<string[]> {
  const rows = await db.siteTag.findMany({ distinct: ["tag"], select: { tag: true }, orderBy: { tag: "asc" } });
  return rows.map((r) => r.tag);
}

/**
 * Creates a site, or replaces the one with `id`: the input is validated on its own, then against every other
 * site of its network (addresses allocated where left empty). Nothing is written unless all of it holds.
 */
export async function saveSite(
  db: PrismaClient,
  actor: Actor,
  input: { id?: string; networkId: string; site: SiteInput },
) {
  return db.$transaction(async (tx) => {
    const network = await tx.network.findUnique({ where: { id: input.networkId } });
    if (!network) throw invalidInput([{ path: ["networkId"], message: "no such network" }]);
    const previous = input.id ? await tx.site.findUnique({ where: { id: input.id }, include: { tags: true } }) : null;
    if (input.id && !previous) throw notFound("site");

    // Every network, not just this one: a site's LANs and router are checked against the other clouds too.
    const existing = await loadInventory(tx, undefined, { withDemo: false, keepIds: [network.id] });
    // The site being edited is replaced, not compared against itself (it may be renamed or keep its address).
    const others = previous ? existing.sites.filter((s) => s.name !== previous.name) : existing.sites;
    const carried = previous && previous.networkId === network.id ? toSiteSpec(previous, network.name) : null;
    const fields = { ...input.site } as Record<string, unknown>;
    if (
      carried &&
      (fields.tunnelAddress === undefined || fields.tunnelAddress === "" || fields.tunnelAddress === null)
    ) {
      fields.tunnelAddress = carried.tunnelAddress;
    }
    // A taken name is reported with the other problems, not only once they are fixed.
    const name = typeof fields.name === "string" ? fields.name.trim() : "";
    const sameName = name ? await tx.site.findUnique({ where: { name }, include: { network: true } }) : null;
    const nameIssues =
      sameName && sameName.id !== previous?.id
        ? [{ path: ["name"], message: `${name} is already a site in network ${sameName.network.name}` }]
        : [];
    // Under a taken name the record would replace that site in the plan, hiding its clashes with it: plan it under
    // a name no site has, then give the messages the real one back.
    const planName = nameIssues.length ? unusedSiteName(existing.sites) : null;
    const plan = planInventory(
      {
        networks: [],
        sites: [{ network: network.name, fields: planName ? { ...fields, name: planName } : fields, at: [] }],
      },
      { networks: existing.networks, sites: others },
    );
    const planIssues = planName
      ? plan.issues.map((i) => ({ ...i, message: i.message.replaceAll(planName, name) }))
      : plan.issues;
    if (planIssues.length || nameIssues.length) throw invalidInput([...nameIssues, ...planIssues]);
    const spec = plan.inventory.sites.find((s) => s.name === fields.name);
    if (!spec) throw new DomainError("BAD_REQUEST", "site could not be planned");
    const networkSpec = existing.networks.find((n) => n.name === network.name);
    const members = others.filter((s) => s.network === network.name);
    const renderIssues = networkSpec ? siteRenderIssues(networkSpec, [...members, spec], spec.name) : [];
    if (renderIssues.length) throw invalidInput(renderIssues);

    if (previous && previous.name !== spec.name)
      await tx.site.update({ where: { id: previous.id }, data: { name: spec.name } });
    const row = await writeSite(tx, spec, network.id);
    await recordAudit(tx, actor, {
      action: previous ? "site.update" : "site.create",
      entityType: "site",
      entityId: row.id,
      entityName: row.name,
      networkId: network.id,
      before: previous ? toSiteSpec(previous, network.name) : undefined,
      after: spec,
    });
    return { id: row.id, name: row.name, tunnelAddress: spec.tunnelAddress, asn: spec.asn };
  });
}

function unusedSiteName(sites: readonly { name: string }[]): string {
  const taken = new Set(sites.map((s) => s.name));
  let n = 0;
  while (taken.has(`unsaved-site-${n}`)) n += 1;
  return `unsaved-site-${n}`;
}

export async function deleteSite(db: PrismaClient, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const row = await tx.site.findUnique({ where: { id }, include: { tags: true, network: true } });
    if (!row) throw notFound("site");
    await tx.site.delete({ where: { id } });
    await recordAudit(tx, actor, {
      action: "site.delete",
      entityType: "site",
      entityId: id,
      entityName: row.name,
      networkId: row.networkId,
      before: toSiteSpec(row, row.network.name),
    });
    return { id };
  });
}
