import Papa from "papaparse";
import { parseDocument, stringify } from "yaml";
import { z } from "zod";
import { allocate } from "./allocate";
import {
  bgpSummaryIssues,
  type FieldIssue,
  keptSummarySettings,
  type NetworkInput,
  type NetworkSpec,
  networkInputSchema,
  type SiteFields,
  type SiteInput,
  type SiteSpec,
  siteInputSchema,
  zodIssues,
} from "./schemas";
import { generatePsk } from "./secrets";
import { validateAcrossNetworks, validateNetworkSites } from "./validate";

/**
 * The inventory file: what the console exports, imports and what `dmvpn validate|render` read.
 *
 *   version: 1
 *   networks:
 *     - name: corp
 *       tunnelPrefix: 10.255.0.0/24
 *       …every network field…
 *       sites:
 *         - name: hub1
 *           role: hub
 *           …every site field…
 */
export interface Inventory {
  networks: NetworkSpec[];
  sites: SiteSpec[];
}

export const INVENTORY_VERSION = 1;

const documentShape = z.object({
  version: z.literal(INVENTORY_VERSION, { error: `must be ${INVENTORY_VERSION}` }),
  networks: z.array(z.record(z.string(), z.unknown()), { error: "must be a list of networks" }),
});

/** One record as read from a file, before validation, with where it came from for error messages. */
export interface RawSiteRecord {
  network: string;
  fields: Record<string, unknown>;
  /** path used in issues, e.g. ["networks", 0, "sites", 2] or ["row", 7] */
  at: (string | number)[];
}

export interface RawNetworkRecord {
  fields: Record<string, unknown>;
  at: (string | number)[];
}

/** Parses YAML text into raw records; syntax and shape errors become issues. */
export function readInventoryYaml(text: string): {
  networks: RawNetworkRecord[];
  sites: RawSiteRecord[];
  issues: FieldIssue[];
} {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      networks: [],
      sites: [],
      issues: doc.errors.map((e) => ({
        path: [],
        message: `YAML syntax error at line ${e.linePos?.[0].line ?? "?"}: ${e.message.split(" at line")[0]}`,
      })),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    // yaml refuses to expand an alias bomb (aliases nested to blow up the document) with a ReferenceError.
    if (!(err instanceof ReferenceError)) throw err;
    const message = "YAML aliases expand too far (more than 50 per anchor); write the values out instead";
    return { networks: [], sites: [], issues: [{ path: [], message }] };
  }
  const shape = documentShape.safeParse(data);
  if (!shape.success) return { networks: [], sites: [], issues: zodIssues(shape.error) };
  const networks: RawNetworkRecord[] = [];
  const sites: RawSiteRecord[] = [];
  shape.data.networks.forEach((n, i) => {
    const { sites: siteList, ...fields } = n;
    networks.push({ fields, at: ["networks", i] });
    if (siteList === undefined) return;
    if (!Array.isArray(siteList)) {
      sites.push({ network: String(fields.name ?? ""), fields: {}, at: ["networks", i, "sites"] });
      return;
    }
    siteList.forEach((s, j) => {
      sites.push({ network: String(fields.name ?? ""), fields: isRecord(s) ? s : {}, at: ["networks", i, "sites", j] });
    });
  });
  return { networks, sites, issues: [] };
}

export const SITE_CSV_COLUMNS = [
  "network",
  "name",
  "role",
  "platform",
  "wanInterface",
  "publicAddress",
  "behindNat",
  "lanPrefixes",
  "tunnelAddress",
  "asn",
  "latitude",
  "longitude",
  "address",
  "tags",
  "notes",
] as const;

/**
 * Sites from CSV: a header row naming columns (SITE_CSV_COLUMNS, any order; network, name, role, platform and
 * wanInterface required). lanPrefixes and tags hold several values separated by spaces, commas or semicolons.
 * Row numbers in issues are the file's line numbers (the header is row 1).
 */
export function readSitesCsv(text: string): { sites: RawSiteRecord[]; issues: FieldIssue[] } {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (h) => h.trim(),
  });
  const issues: FieldIssue[] = [];
  const headers = parsed.meta.fields ?? [];
  const unknown = headers.filter((h) => !(SITE_CSV_COLUMNS as readonly string[]).includes(h));
  if (unknown.length)
    issues.push({
      path: ["header"],
      message: `unknown column(s) ${unknown.join(", ")}; expected ${SITE_CSV_COLUMNS.join(", ")}`,
    });
  for (const required of ["network", "name", "role", "platform", "wanInterface"]) {
    if (!headers.includes(required)) issues.push({ path: ["header"], message: `missing required column ${required}` });
  }
  for (const e of parsed.errors) issues.push({ path: ["row", (e.row ?? 0) + 2], message: `CSV: ${e.message}` });
  if (issues.length) return { sites: [], issues };
  const split = (v: string | undefined) => (v ?? "").split(/[\s,;]+/).filter(Boolean);
  const sites = parsed.data.map((row, i) => {
    const { network = "", lanPrefixes, tags, behindNat, ...rest } = row;
    const fields: Record<string, unknown> = { ...rest, lanPrefixes: split(lanPrefixes), tags: split(tags) };
    if (behindNat !== undefined && behindNat.trim() !== "") fields.behindNat = /^(true|yes|1)$/i.test(behindNat.trim());
    return { network: network.trim(), fields, at: ["row", i + 2] };
  });
  return { sites, issues };
}

export interface InventoryPlan {
  inventory: Inventory;
  issues: FieldIssue[];
}

/**
 * Validates raw records and completes them (pre-shared keys generated, tunnel addresses and ASNs allocated),
 * on top of what already exists (the console's database; empty for a file checked on its own). Records whose
 * name matches an existing one replace it. Issues point at the raw records' own paths.
 */
export function planInventory(
  raw: { networks: RawNetworkRecord[]; sites: RawSiteRecord[] },
  existing: Inventory = { networks: [], sites: [] },
): InventoryPlan {
  const issues: FieldIssue[] = [];
  const networks = new Map(existing.networks.map((n) => [n.name, n]));
  const seenNetworks = new Map<string, RawNetworkRecord>();
  // Sites of a network that is itself invalid are only checked field by field: its errors are already reported.
  const invalidNetworks = new Set<string>();
  for (const record of raw.networks) {
    const parsed = networkInputSchema.safeParse(record.fields);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, record.at));
      if (typeof record.fields.name === "string") invalidNetworks.add(record.fields.name);
      continue;
    }
    const name = parsed.data.name;
    if (seenNetworks.has(name)) {
      issues.push({ path: [...record.at, "name"], message: `network ${name} is listed twice` });
      continue;
    }
    seenNetworks.set(name, record);
    const previous = networks.get(name);
    // Keys left out (an export without secrets) keep the stored ones, so re-importing an export changes nothing.
    const completed = {
      ...parsed.data,
      ...keptSummarySettings(parsed.data, previous),
      nhrpAuth: parsed.data.nhrpAuth === undefined ? (previous?.nhrpAuth ?? null) : parsed.data.nhrpAuth,
      ipsecPsk: parsed.data.ipsecPsk ?? previous?.ipsecPsk ?? generatePsk(),
    };
    const summaryIssues = bgpSummaryIssues(completed);
    if (summaryIssues.length) {
      issues.push(...summaryIssues.map((i) => ({ path: [...record.at, ...i.path], message: i.message })));
      invalidNetworks.add(name);
      continue;
    }
    networks.set(name, completed);
  }

  // Sites by name, existing first so an imported record replaces the stored one in place.
  const sites = new Map<
    string,
    {
      fields: Omit<SiteFields, "tunnelAddress"> & { tunnelAddress: string | null };
      network: string;
      at: (string | number)[] | null;
    }
  >();
  for (const s of existing.sites) sites.set(s.name, { fields: s, network: s.network, at: null });
  const seenSites = new Map<string, (string | number)[]>();
  for (const record of raw.sites) {
    const parsed = siteInputSchema.safeParse(record.fields);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, record.at));
      continue;
    }
    const name = parsed.data.name;
    const first = seenSites.get(name);
    if (first) {
      issues.push({
        path: [...record.at, "name"],
        message: `site ${name} is listed twice (first at ${first.join(".")})`,
      });
      continue;
    }
    if (invalidNetworks.has(record.network)) continue;
    if (!networks.has(record.network)) {
      issues.push({
        path: [...record.at, "network"],
        message: record.network ? `no network named ${record.network}` : "is required",
      });
      continue;
    }
    seenSites.set(name, record.at);
    const previous = sites.get(name);
    // Keep a stored site's allocations when the record leaves them empty, so re-importing an export is a no-op.
    const sameNetwork = previous?.network === record.network;
    const fields = {
      ...parsed.data,
      tunnelAddress: parsed.data.tunnelAddress ?? (sameNetwork ? previous.fields.tunnelAddress : null),
      asn: parsed.data.asn ?? (sameNetwork ? previous.fields.asn : null),
    };
    sites.set(name, { fields, network: record.network, at: record.at });
  }

  const completed: SiteSpec[] = [];
  for (const network of networks.values()) {
    const members = [...sites.values()].filter((s) => s.network === network.name);
    const allocation = allocate(
      network,
      members.map((m) => m.fields),
    );
    const placed = members.map((m, i) => ({
      ...m.fields,
      network: network.name,
      tunnelAddress: allocation.tunnelAddresses[i] ?? "",
      asn: allocation.asns[i] ?? null,
    }));
    const found = [
      ...allocation.issues,
      ...validateNetworkSites(
        network,
        placed.filter((p) => p.tunnelAddress),
      ),
    ];
    // validateNetworkSites saw only placed sites; map its indices back before re-pointing paths at records.
    const placedIndex = placed.map((p, i) => (p.tunnelAddress ? i : -1)).filter((i) => i >= 0);
    for (const issue of found) {
      const [, local, ...rest] = issue.path;
      const memberIndex = allocation.issues.includes(issue) ? (local as number) : (placedIndex[local as number] ?? -1);
      const member = members[memberIndex];
      // Problems that lie only between stored sites are not the import's to report.
      if (member?.at) issues.push({ path: [...member.at, ...rest], message: issue.message });
    }
    completed.push(...placed.filter((p) => p.tunnelAddress));
  }
  const networkList = [...networks.values()];
  for (const issue of validateAcrossNetworks(networkList, completed)) {
    const [kind, index, ...rest] = issue.path;
    // As within a network: a clash only between stored records is not the import's to report; each side of a
    // clash is reported on its own record, so the imported side always gets one.
    const at =
      kind === "networks"
        ? seenNetworks.get(networkList[index as number]?.name ?? "")?.at
        : sites.get(completed[index as number]?.name ?? "")?.at;
    if (at) issues.push({ path: [...at, ...rest], message: issue.message });
  }
  return { inventory: { networks: networkList, sites: completed }, issues };
}

/** Reads and checks an inventory file on its own: what `dmvpn validate` and `dmvpn render` use. */
export function parseInventoryYaml(text: string): InventoryPlan {
  const raw = readInventoryYaml(text);
  if (raw.issues.length) return { inventory: { networks: [], sites: [] }, issues: raw.issues };
  return planInventory(raw);
}

/**
 * The export: every field, sites under their network, in a stable order. Secrets (the pre-shared key and the NHRP
 * key) only when asked for; an import without them keeps the stored ones.
 */
export function toInventoryYaml(inventory: Inventory, options: { includeSecrets: boolean }): string {
  const doc = {
    version: INVENTORY_VERSION,
    networks: [...inventory.networks]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((n) => {
        const { ipsecPsk, nhrpAuth, ...rest } = n;
        const network: Record<string, unknown> = { ...rest };
        if (options.includeSecrets) Object.assign(network, { nhrpAuth, ipsecPsk });
        network.sites = inventory.sites
          .filter((s) => s.network === n.name)
          .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === "hub" ? -1 : 1))
          .map(({ network: _network, ...site }) => site);
        return network;
      }),
  };
  return stringify(doc, { lineWidth: 0, nullStr: "null" });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export type { NetworkInput, SiteInput };
