import type { Db, PrismaClient } from "@dmvpn/db";
import {
  bgpSummaryIssues,
  effectiveSummaries,
  type FieldIssue,
  generatePsk,
  keptSummarySettings,
  type NetworkInput,
  type NetworkSpec,
  networkInputSchema,
  uncoveredLanIssues,
  validateAcrossNetworks,
  validateNetworkSites,
  zodIssues,
} from "@dmvpn/inventory";
import { invalidInput, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { loadInventory, networkData, toNetworkSpec } from "./inventory-store";
import { networkRenderIssues } from "./renderability";

export async function listNetworks(db: Db) {
  const rows = await db.network.findMany({
    orderBy: { name: "asc" },
    include: { _count: { select: { sites: true } } },
  });
  const hubs = await db.site.groupBy({ by: ["networkId"], where: { role: "hub" }, _count: { _all: true } });
  const hubCount = new Map(hubs.map((h) => [h.networkId, h._count._all]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    tunnelPrefix: r.tunnelPrefix,
    phase: r.phase,
    routing: r.routing,
    isDemo: r.isDemo,
    siteCount: r._count.sites,
    hubCount: hubCount.get(r.id) ?? 0,
    updatedAt: r.updatedAt,
  }));
}

/**
 * A network with every setting but its keys, and the summaries its hubs announce (phase 3 with BGP). The
 * pre-shared key and the NHRP key leave only through revealNetworkPsk (admins, audited). Whether an NHRP key is set is shown, so forms can say "leave blank to keep".
 */
export async function getNetwork(db: Db, id: string) {
  const row = await db.network.findUnique({ where: { id } });
  if (!row) throw notFound("network");
  const { ipsecPsk: _psk, nhrpAuth, ...spec } = toNetworkSpec(row);
  const summarises = spec.routing === "bgp" && spec.phase === 3;
  const spokes = summarises
    ? await db.site.findMany({ where: { networkId: id, role: "spoke" }, select: { lanPrefixes: true } })
    : [];
  const bgpSummariesInEffect = summarises
    ? effectiveSummaries(
        spec,
        spokes.map((s) => ({ role: "spoke" as const, lanPrefixes: JSON.parse(s.lanPrefixes) as string[] })),
      )
    : [];
  return { id: row.id, isDemo: row.isDemo, ...spec, nhrpAuthSet: nhrpAuth !== null, bgpSummariesInEffect };
}

function parseNetwork(input: unknown) {
  const parsed = networkInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(zodIssues(parsed.error));
  return parsed.data;
}

/**
 * `isDemo`: the simulated demo network. Its addresses never reach a router, so it is not checked against the real
 * networks (nor they against it): loading the demo must not fail because a real cloud uses the same prefix.
 */
export async function createNetwork(
  db: PrismaClient,
  actor: Actor,
  input: NetworkInput,
  options: { isDemo?: boolean } = {},
) {
  const data = parseNetwork(input);
  const spec = {
    ...data,
    ...keptSummarySettings(data, null),
    nhrpAuth: data.nhrpAuth ?? null,
    ipsecPsk: data.ipsecPsk ?? generatePsk(),
  };
  const summaryIssues = bgpSummaryIssues(spec);
  if (summaryIssues.length) throw invalidInput(summaryIssues);
  return db.$transaction(async (tx) => {
    const taken = await tx.network.findUnique({ where: { name: spec.name } });
    const nameIssues = taken ? [{ path: ["name"], message: `a network named ${spec.name} already exists` }] : [];
    const crossIssues = taken || options.isDemo ? [] : await acrossNetworkIssues(tx, spec, null);
    if (nameIssues.length || crossIssues.length) throw invalidInput([...nameIssues, ...crossIssues]);
    const row = await tx.network.create({ data: { ...networkData(spec), isDemo: options.isDemo === true } });
    await recordAudit(tx, actor, {
      action: "network.create",
      entityType: "network",
      entityId: row.id,
      entityName: row.name,
      networkId: row.id,
      after: spec,
    });
    return { id: row.id, name: row.name };
  });
}

/**
 * Updates every setting. A change that would invalidate stored sites (a tunnel prefix that no longer holds
 * their addresses, a plan their ASNs no longer fit) is refused with the sites named.
 */
export async function updateNetwork(db: PrismaClient, actor: Actor, id: string, input: NetworkInput) {
  const data = parseNetwork(input);
  return db.$transaction(async (tx) => {
    const before = await tx.network.findUnique({ where: { id } });
    if (!before) throw notFound("network");
    const clash = await tx.network.findUnique({ where: { name: data.name } });
    if (clash && clash.id !== id)
      throw invalidInput([{ path: ["name"], message: `a network named ${data.name} already exists` }]);
    // Keys left out are kept: operators never see them, so a saved form must not wipe or change them.
    const stored = toNetworkSpec(before);
    // So are the BGP summary settings: a client that does not know them must not reset them to auto.
    const spec = {
      ...data,
      ...keptSummarySettings(data, stored),
      nhrpAuth: data.nhrpAuth === undefined ? stored.nhrpAuth : data.nhrpAuth,
      ipsecPsk: data.ipsecPsk ?? stored.ipsecPsk,
    };
    const summaryIssues = bgpSummaryIssues(spec);
    if (summaryIssues.length) throw invalidInput(summaryIssues);
    const { sites } = await loadInventory(tx, [id]);
    // LANs outside custom summaries are the summaries' problem here, told per site and LAN.
    const uncovered = uncoveredLanIssues(spec, sites);
    const uncoveredKeys = new Set(uncovered.map(issueKey));
    const siteIssues = validateNetworkSites(spec, sites).filter((i) => !uncoveredKeys.has(issueKey(i)));
    const levelIssues = [
      ...networkLevelIssues(
        siteIssues,
        sites.map((s) => s.name),
      ),
      ...uncoveredSummaryIssues(uncovered),
    ];
    if (levelIssues.length) throw invalidInput(levelIssues);
    const crossIssues = await acrossNetworkIssues(tx, spec, before.name);
    if (crossIssues.length) throw invalidInput(crossIssues);
    const renderIssues = networkRenderIssues(spec, sites);
    if (renderIssues.length) throw invalidInput(renderIssues);
    const row = await tx.network.update({ where: { id }, data: networkData(spec) });
    await recordAudit(tx, actor, {
      action: "network.update",
      entityType: "network",
      entityId: id,
      entityName: row.name,
      networkId: id,
      before: stored,
      after: spec,
    });
    return { id: row.id, name: row.name };
  });
}

/**
 * This network's clashes with the others (tunnel prefix, GRE key and NHRP id on a shared router), told on its own
 * fields. Clashes of its sites' LANs are the sites' to report (saveSite), not a network edit's.
 */
async function acrossNetworkIssues(db: Db, spec: NetworkSpec, storedName: string | null): Promise<FieldIssue[]> {
  const all = await loadInventory(db, undefined, { withDemo: false });
  const networks = [spec, ...all.networks.filter((n) => n.name !== storedName && n.name !== spec.name)];
  const sites = all.sites.map((s) =>
    storedName !== null && s.network === storedName ? { ...s, network: spec.name } : s,
  );
  return validateAcrossNetworks(networks, sites)
    .filter((i) => i.path[0] === "networks" && i.path[1] === 0)
    .map((i) => ({ path: i.path.slice(2), message: i.message }));
}

const issueKey = (i: FieldIssue) => `${i.path.join(".")} ${i.message}`;

/** One issue on bgpSummaries naming each uncovered LAN and its site (the first ten). */
function uncoveredSummaryIssues(uncovered: FieldIssue[]): FieldIssue[] {
  if (uncovered.length === 0) return [];
  const lans = uncovered.map((i) => i.message.split(" is not covered")[0]);
  const shown = lans.slice(0, 10).join(", ") + (lans.length > 10 ? ` and ${lans.length - 10} more` : "");
  const verb = lans.length === 1 ? "lies" : "lie";
  return [{ path: ["bgpSummaries"], message: `do not cover every spoke LAN: ${shown} ${verb} outside them` }];
}

/** Site problems caused by a network edit, told against the network field that caused them. */
function networkLevelIssues(issues: FieldIssue[], names: string[]): FieldIssue[] {
  const byField = new Map<string, Set<string>>();
  for (const i of issues) {
    const field =
      i.path[2] === "asn"
        ? "asnPlan"
        : i.path[2] === "lanPrefixes" || i.path[2] === "tunnelAddress"
          ? "tunnelPrefix"
          : String(i.path[2]);
    const set = byField.get(field) ?? new Set();
    set.add(names[i.path[1] as number] ?? "?");
    byField.set(field, set);
  }
  return [...byField].map(([field, sites]) => {
    const list = [...sites];
    const shown = list.slice(0, 5).join(", ") + (list.length > 5 ? ` and ${list.length - 5} more` : "");
    return {
      path: [field],
      message: `does not fit ${list.length} existing site(s): ${shown}; change those sites first`,
    };
  });
}

export async function deleteNetwork(db: PrismaClient, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const row = await tx.network.findUnique({ where: { id }, include: { _count: { select: { sites: true } } } });
    if (!row) throw notFound("network");
    await tx.network.delete({ where: { id } });
    await recordAudit(tx, actor, {
      action: "network.delete",
      entityType: "network",
      entityId: id,
      entityName: row.name,
      networkId: id,
      before: { ...toNetworkSpec(row), sites: row._count.sites },
    });
    return { id };
  });
}

/** Reading the keys (pre-shared and NHRP) back is an admin's explicit act and leaves a trace. */
export async function revealNetworkPsk(db: Db, actor: Actor, id: string) {
  const row = await db.network.findUnique({ where: { id } });
  if (!row) throw notFound("network");
  await recordAudit(db, actor, {
    action: "network.reveal-psk",
    entityType: "network",
    entityId: id,
    entityName: row.name,
    networkId: id,
  });
  const { ipsecPsk, nhrpAuth } = toNetworkSpec(row);
  return { ipsecPsk, nhrpAuth };
}
