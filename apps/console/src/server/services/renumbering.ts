import { createHash } from "node:crypto";
import type { Db, PrismaClient } from "@dmvpn/db";
import {
  addressToNumber,
  bgpSummaryIssues,
  type FieldIssue,
  type NetworkSpec,
  prefixesOverlap,
  renumberAddresses,
  type SiteSpec,
  tunnelPrefixSchema,
  validateAcrossNetworks,
  validateNetworkSites,
  zodIssues,
} from "@dmvpn/inventory";
import { DomainError, invalidInput, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { loadInventory, siteData } from "./inventory-store";
import { networkRenderIssues } from "./renderability";

/**
 * Moving a network to another tunnel prefix: every site gets a new tunnel address in one transaction. The
 * operator sees the plan first (old → new per site; the hubs' addresses are also every spoke's NHS), and the
 * apply carries the plan's hash, so a plan that no longer matches the stored network (a site added, moved or
 * renamed, the prefix changed meanwhile) is refused rather than applied blindly.
 */

export interface RenumberingChange {
  siteId: string;
  name: string;
  role: "hub" | "spoke";
  from: string;
  /** null where the new prefix has no room for the site (the plan then has issues) */
  to: string | null;
}

export interface RenumberingPlan {
  networkId: string;
  network: string;
  fromPrefix: string;
  toPrefix: string;
  method: "offsets" | "compact";
  /** hubs first, then spokes, each by current address */
  changes: RenumberingChange[];
  /** the hubs' moves again: each is every spoke's next-hop server (NHS), so every spoke's config changes */
  nhs: { name: string; from: string; to: string | null }[];
  /** why the plan cannot be applied; empty when it can */
  issues: FieldIssue[];
  /** sha-256 of what the plan was computed from; apply refuses a hash that no longer matches */
  planHash: string;
}

function parseTarget(tunnelPrefix: string): string {
  const parsed = tunnelPrefixSchema.safeParse(tunnelPrefix);
  if (!parsed.success) throw invalidInput(zodIssues(parsed.error, ["tunnelPrefix"]));
  return parsed.data;
}

async function computePlan(db: Db, networkId: string, toPrefix: string) {
  const row = await db.network.findUnique({ where: { id: networkId }, select: { id: true, name: true } });
  if (!row) throw notFound("network");
  const { networks, sites } = await loadInventory(db, [networkId]);
  const network = networks[0] as NetworkSpec;
  const rows = await db.site.findMany({ where: { networkId }, select: { id: true, name: true } });
  const ids = new Map(rows.map((r) => [r.name, r.id]));
  const ordered = [...sites].sort(
    (a, b) =>
      (a.role === b.role ? 0 : a.role === "hub" ? -1 : 1) ||
      Number(addressToNumber(a.tunnelAddress) - addressToNumber(b.tunnelAddress)),
  );
  const issues: FieldIssue[] = [];
  if (toPrefix === network.tunnelPrefix)
    issues.push({ path: ["tunnelPrefix"], message: `is already the network's tunnel prefix` });
  const result = renumberAddresses(network, ordered, toPrefix);
  issues.push(...result.issues);
  const changes: RenumberingChange[] = ordered.map((s, i) => ({
    siteId: ids.get(s.name) ?? "",
    name: s.name,
    role: s.role,
    from: s.tunnelAddress,
    to: result.addresses[i] ?? null,
  }));
  const spec: NetworkSpec = { ...network, tunnelPrefix: toPrefix };
  const moved: SiteSpec[] = ordered.map((s, i) => ({ ...s, tunnelAddress: result.addresses[i] ?? s.tunnelAddress }));
  if (result.issues.length === 0) {
    // The sites' other problems with the new prefix (a LAN inside it), told per site.
    for (const issue of validateNetworkSites(spec, moved)) {
      const site = moved[issue.path[1] as number];
      issues.push({ path: ["tunnelPrefix"], message: `${site?.name ?? "?"}: ${issue.message}` });
    }
    // Custom summaries may not lie inside the new prefix (the stored network would no longer parse).
    issues.push(
      ...bgpSummaryIssues(spec).map((i) => ({ path: ["tunnelPrefix"], message: `bgpSummaries: ${i.message}` })),
    );
    issues.push(...(await acrossNetworkIssues(db, spec, moved)));
    issues.push(...networkRenderIssues(spec, moved).map((i) => ({ path: ["tunnelPrefix"], message: i.message })));
  }
  const planHash = createHash("sha256")
    .update(
      JSON.stringify([
        networkId,
        network.tunnelPrefix,
        toPrefix,
        changes.map((c) => [c.siteId, c.name, c.role, c.from]),
      ]),
    )
    .digest("hex");
  const plan: RenumberingPlan = {
    networkId,
    network: network.name,
    fromPrefix: network.tunnelPrefix,
    toPrefix,
    method: result.method,
    changes,
    nhs: changes.filter((c) => c.role === "hub").map(({ name, from, to }) => ({ name, from, to })),
    issues: dedupe(issues),
    planHash,
  };
  return { plan, spec, moved };
}

/** The new prefix against the other (real) networks: their tunnel prefixes and their LANs. */
async function acrossNetworkIssues(db: Db, spec: NetworkSpec, moved: SiteSpec[]): Promise<FieldIssue[]> {
  const all = await loadInventory(db, undefined, { withDemo: false });
  const others = all.networks.filter((n) => n.name !== spec.name);
  const issues = validateAcrossNetworks(
    [spec, ...others],
    [...moved, ...all.sites.filter((s) => s.network !== spec.name)],
  )
    .filter((i) => i.path[0] === "networks" && i.path[1] === 0 && i.path[2] === "tunnelPrefix")
    .map((i) => ({ path: ["tunnelPrefix"], message: i.message }));
  for (const s of all.sites) {
    if (s.network === spec.name) continue;
    for (const lan of s.lanPrefixes)
      if (prefixesOverlap(lan, spec.tunnelPrefix))
        issues.push({
          path: ["tunnelPrefix"],
          message: `overlaps ${lan}, a LAN of ${s.name} in network ${s.network}: traffic to it would enter this cloud`,
        });
  }
  return issues;
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path.join(".")} ${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function planRenumbering(db: Db, networkId: string, tunnelPrefix: string): Promise<RenumberingPlan> {
  return (await computePlan(db, networkId, parseTarget(tunnelPrefix))).plan;
}

/**
 * Applies a plan shown before: recomputed inside the transaction, refused when its hash differs (stale) or it has
 * issues; otherwise every site's address and the network's prefix change together, with one audit entry.
 */
export async function applyRenumbering(
  db: PrismaClient,
  actor: Actor,
  networkId: string,
  input: { tunnelPrefix: string; planHash: string },
) {
  const toPrefix = parseTarget(input.tunnelPrefix);
  return db.$transaction(
    async (tx) => {
      const { plan, spec, moved } = await computePlan(tx, networkId, toPrefix);
      if (plan.planHash !== input.planHash)
        throw new DomainError(
          "CONFLICT",
          "the renumbering plan is stale: the network or its sites changed since it was shown; review the new plan",
        );
      if (plan.issues.length) throw invalidInput(plan.issues);
      // Old and new addresses can coincide across sites when the prefixes overlap; the (network, tunnel address)
      // key is unique, so park every site on a placeholder first.
      if (prefixesOverlap(plan.fromPrefix, plan.toPrefix)) {
        for (const c of plan.changes)
          await tx.site.update({ where: { id: c.siteId }, data: { tunnelAddress: `renumbering:${c.siteId}` } });
      }
      for (const [i, c] of plan.changes.entries()) {
        const { tunnelAddress, tunnelAddressNum, searchKey } = siteData(moved[i] as SiteSpec, networkId);
        await tx.site.update({ where: { id: c.siteId }, data: { tunnelAddress, tunnelAddressNum, searchKey } });
      }
      await tx.network.update({ where: { id: networkId }, data: { tunnelPrefix: spec.tunnelPrefix } });
      await recordAudit(tx, actor, {
        action: "network.renumber",
        entityType: "network",
        entityId: networkId,
        entityName: plan.network,
        networkId,
        before: { tunnelPrefix: plan.fromPrefix, sites: Object.fromEntries(plan.changes.map((c) => [c.name, c.from])) },
        after: { tunnelPrefix: plan.toPrefix, sites: Object.fromEntries(plan.changes.map((c) => [c.name, c.to])) },
      });
      return { id: networkId, tunnelPrefix: plan.toPrefix, sites: plan.changes.length };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}
