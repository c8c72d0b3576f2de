import type { Db, Network, Site, SiteTag } from "@dmvpn/db";
import { addressToNumber, type Inventory, type NetworkSpec, networkSchema, type SiteSpec } from "@dmvpn/inventory";
import { openSecret, sealSecret } from "./secrets";

/** The one mapping between database rows and the inventory's specs (used by every service). */

export function toNetworkSpec(row: Network): NetworkSpec {
  return networkSchema.parse({
    ...row,
    // sealed at rest; rows written before sealing hold the key in clear and still read
    ipsecPsk: openSecret(row.ipsecPsk),
    bgpAsn: Number(row.bgpAsn),
    asnRangeStart: Number(row.asnRangeStart),
    asnRangeEnd: Number(row.asnRangeEnd),
    bgpSummaries: JSON.parse(row.bgpSummaries) as string[],
  });
}

export function toSiteSpec(row: Site & { tags: SiteTag[] }, networkName: string): SiteSpec {
  return {
    name: row.name,
    network: networkName,
    role: row.role as SiteSpec["role"],
    platform: row.platform as SiteSpec["platform"],
    wanInterface: row.wanInterface,
    publicAddress: row.publicAddress,
    behindNat: row.behindNat,
    lanPrefixes: JSON.parse(row.lanPrefixes) as string[],
    tunnelAddress: row.tunnelAddress,
    asn: row.asn === null ? null : Number(row.asn),
    latitude: row.latitude,
    longitude: row.longitude,
    address: row.address,
    tags: row.tags.map((t) => t.tag).sort(),
    notes: row.notes,
  };
}

export function networkData(n: NetworkSpec) {
  return {
    ...n,
    ipsecPsk: sealSecret(n.ipsecPsk),
    bgpAsn: BigInt(n.bgpAsn),
    asnRangeStart: BigInt(n.asnRangeStart),
    asnRangeEnd: BigInt(n.asnRangeEnd),
    bgpSummaries: JSON.stringify(n.bgpSummaries),
  };
}

export function siteData(s: SiteSpec, networkId: string) {
  const { network: _network, tags, lanPrefixes, asn, ...rest } = s;
  return {
    ...rest,
    networkId,
    lanPrefixes: JSON.stringify(lanPrefixes),
    asn: asn === null ? null : BigInt(asn),
    tunnelAddressNum: addressToNumber(s.tunnelAddress),
    searchKey: [s.name, s.tunnelAddress, s.publicAddress ?? "", s.platform, s.address ?? "", ...tags, ...lanPrefixes]
      .join(" ")
      .toLowerCase(),
  };
}

/** Inserts or replaces a site by name, tags included (caller provides the transaction). */
export async function writeSite(db: Db, s: SiteSpec, networkId: string): Promise<Site> {
  const data = siteData(s, networkId);
  const row = await db.site.upsert({ where: { name: s.name }, create: data, update: data });
  await db.siteTag.deleteMany({ where: { siteId: row.id } });
  if (s.tags.length) await db.siteTag.createMany({ data: s.tags.map((tag) => ({ siteId: row.id, tag })) });
  return row;
}

/** Inserts many new sites at once (an import of thousands): two statements instead of three per site. */
export async function createSites(db: Db, sites: { spec: SiteSpec; networkId: string }[]): Promise<void> {
  const CHUNK = 500;
  for (let i = 0; i < sites.length; i += CHUNK) {
    const chunk = sites.slice(i, i + CHUNK);
    const rows = await db.site.createManyAndReturn({
      data: chunk.map((s) => siteData(s.spec, s.networkId)),
      select: { id: true, name: true },
    });
    const ids = new Map(rows.map((r) => [r.name, r.id]));
    const tags = chunk.flatMap((s) => s.spec.tags.map((tag) => ({ siteId: ids.get(s.spec.name) ?? "", tag })));
    if (tags.length) await db.siteTag.createMany({ data: tags });
  }
}

/** Everything stored, as specs: the base an import or an edit is validated against. */
/**
 * `withDemo: false` leaves the simulated demo network out (cross-network checks: it shares no router with a real
 * cloud), except the networks named in `keepIds`.
 */
export async function loadInventory(
  db: Db,
  networkIds?: string[],
  options: { withDemo?: boolean; keepIds?: string[] } = {},
): Promise<Inventory & { ids: Map<string, string> }> {
  const demo = options.withDemo === false ? { OR: [{ isDemo: false }, { id: { in: options.keepIds ?? [] } }] } : {};
  const networks = await db.network.findMany({
    where: { ...(networkIds ? { id: { in: networkIds } } : {}), ...demo },
    include: { sites: { include: { tags: true } } },
    orderBy: { name: "asc" },
  });
  return {
    networks: networks.map(toNetworkSpec),
    sites: networks.flatMap((n) => n.sites.map((s) => toSiteSpec(s, n.name))),
    ids: new Map(networks.map((n) => [n.name, n.id])),
  };
}
