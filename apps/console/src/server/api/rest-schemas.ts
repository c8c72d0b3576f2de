import { ASN_PLANS, BGP_SUMMARY_MODES, PLATFORMS, ROUTING_PROTOCOLS, SITE_ROLES } from "@dmvpn/inventory";
import {
  DeploymentItemStatus,
  DeploymentScope,
  DeploymentStatus,
  SiteStatus,
  STATUS_ROW_SCHEMAS,
} from "@dmvpn/protocol";
import { RENDER_TARGETS } from "@dmvpn/render";
import { z } from "zod";
import { wavePolicySchema } from "../services/deployment-waves";
import { STATUS_ROW_KINDS, type StatusRowKind } from "../services/status-rows";
import { FRESHNESS } from "../services/topology-model";

/**
 * Output schemas of the procedures the REST API exposes. tRPC checks every response against them (dashboard
 * and REST alike), and the OpenAPI document is generated from them, so the published contract cannot drift.
 */

const id = z.string();
const nullableText = z.string().nullable();

export const networkSummaryOutput = z.object({
  id,
  name: z.string(),
  description: z.string(),
  tunnelPrefix: z.string(),
  phase: z.number().int(),
  routing: z.string(),
  isDemo: z.boolean(),
  siteCount: z.number().int(),
  hubCount: z.number().int(),
  updatedAt: z.date(),
});

export const networkOutput = z.object({
  id,
  isDemo: z.boolean(),
  name: z.string(),
  description: z.string(),
  tunnelPrefix: z.string(),
  greKey: z.number().int(),
  nhrpNetworkId: z.number().int(),
  nhrpHoldtime: z.number().int(),
  /** whether an NHRP key is set; the key itself only for admins who ask (networks.revealPsk) */
  nhrpAuthSet: z.boolean(),
  phase: z.number().int(),
  ipsecEnabled: z.boolean(),
  ikeProposal: z.string(),
  espProposal: z.string(),
  routing: z.enum(ROUTING_PROTOCOLS),
  asnPlan: z.enum(ASN_PLANS),
  bgpAsn: z.number().int(),
  asnRangeStart: z.number().int(),
  asnRangeEnd: z.number().int(),
  tunnelMtu: z.number().int(),
  tcpMss: z.number().int(),
  bgpKeepalive: z.number().int(),
  bgpHoldtime: z.number().int(),
  bfd: z.boolean(),
  bgpSummaryMode: z.enum(BGP_SUMMARY_MODES),
  bgpSummaries: z.array(z.string()),
  /** what the hubs announce with these settings: the computed set in auto mode, none outside phase 3 with BGP */
  bgpSummariesInEffect: z.array(z.string()),
});

const issueOutput = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });

export const renumberingPlanOutput = z.object({
  networkId: id,
  network: z.string(),
  fromPrefix: z.string(),
  toPrefix: z.string(),
  method: z.enum(["offsets", "compact"]),
  changes: z.array(
    z.object({ siteId: id, name: z.string(), role: z.enum(SITE_ROLES), from: z.string(), to: nullableText }),
  ),
  nhs: z.array(z.object({ name: z.string(), from: z.string(), to: nullableText })),
  issues: z.array(issueOutput),
  planHash: z.string(),
});

export const renumberingOutput = z.object({ id, tunnelPrefix: z.string(), sites: z.number().int() });

export const idNameOutput = z.object({ id, name: z.string() });
export const idOutput = z.object({ id });
export const pskOutput = z.object({ ipsecPsk: z.string(), nhrpAuth: nullableText });

const siteSpecFields = {
  name: z.string(),
  network: z.string(),
  role: z.enum(SITE_ROLES),
  platform: z.enum(PLATFORMS),
  wanInterface: z.string(),
  publicAddress: nullableText,
  behindNat: z.boolean(),
  lanPrefixes: z.array(z.string()),
  tunnelAddress: z.string(),
  asn: z.number().int().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  address: nullableText,
  tags: z.array(z.string()),
  notes: z.string(),
};

export const siteOutput = z.object({
  id,
  networkId: id,
  createdAt: z.date(),
  updatedAt: z.date(),
  ...siteSpecFields,
});

export const siteListOutput = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  rows: z.array(z.object({ id, networkId: id, updatedAt: z.date(), ...siteSpecFields })),
});

export const siteSavedOutput = z.object({
  id,
  name: z.string(),
  tunnelAddress: z.string(),
  asn: z.number().int().nullable(),
});

export const renderedConfigOutput = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    site: z.string(),
    target: z.enum(RENDER_TARGETS),
    files: z.array(z.object({ name: z.string(), content: z.string() })),
    /** sha256 over the files as returned: with secrets masked unless secretsIncluded */
    hash: z.string(),
    secretsIncluded: z.boolean(),
  }),
  z.object({ ok: z.literal(false), issues: z.array(z.string()) }),
]);

const importChange = z.object({
  entity: z.enum(["network", "site"]),
  name: z.string(),
  kind: z.enum(["create", "update", "unchanged"]),
});
const importCounts = z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int() });

export const importPreviewOutput = z.object({
  issues: z.array(z.object({ where: z.string(), message: z.string(), text: z.string() })),
  changes: z.array(importChange),
  counts: importCounts,
});
export const importAppliedOutput = z.object({ counts: importCounts, changes: z.array(importChange) });

export const auditListOutput = z.object({
  total: z.number().int(),
  rows: z.array(
    z.object({
      id,
      at: z.date(),
      actorType: z.string(),
      actorId: nullableText,
      actorName: z.string(),
      action: z.string(),
      entityType: z.string(),
      entityId: nullableText,
      entityName: nullableText,
      networkId: nullableText,
      before: z.unknown(),
      after: z.unknown(),
    }),
  ),
});

/** items per status; statuses with none are left out */
const itemStatusCounts = z.partialRecord(DeploymentItemStatus, z.number().int());
const deploymentFields = {
  id,
  networkId: nullableText,
  /** the network's name, when the deployment covers one network */
  network: nullableText,
  scope: DeploymentScope,
  /** awaiting-apply: agentless sites wait for an operator to mark their revision applied */
  status: DeploymentStatus,
  /** the first batch's size after the canary (the wave policy has the whole plan) */
  batchSize: z.number().int(),
  confirmWindowSeconds: z.number().int(),
  createdBy: z.string(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  summary: nullableText,
};

export const deploymentListOutput = z.array(
  z.object({ ...deploymentFields, sites: z.number().int(), counts: itemStatusCounts }),
);

export const deploymentOutput = z.object({
  ...deploymentFields,
  /** how the sites were split into waves (older deployments: one canary, then equal batches of batchSize) */
  wavePolicy: wavePolicySchema,
  items: z.array(
    z.object({
      id,
      /** hub: a hub's own wave; canary: a spoke alone before the batches */
      waveKind: z.enum(["hub", "canary", "batch"]),
      siteId: id,
      site: z.string(),
      role: z.string(),
      /** 0 = canary, then the batches */
      wave: z.number().int(),
      status: DeploymentItemStatus,
      error: nullableText,
      /** agentless sites: who marked the revision applied */
      markedAppliedBy: nullableText,
      updatedAt: z.date(),
      revision: z.number().int(),
      /** sha256 over the revision's files with secrets masked (the real content hash stays with the agents) */
      maskedHash: z.string(),
    }),
  ),
});

export const markAppliedOutput = z.object({
  site: z.string(),
  revision: z.number().int(),
  deploymentId: id,
  /** older pending revisions of the site that will not be applied any more */
  superseded: z.number().int(),
  /** deployments that had only this site left waiting */
  deploymentsSucceeded: z.array(id),
});

const agentOutput = z.object({
  hostname: z.string(),
  platform: z.string(),
  version: z.string(),
  enrolledAt: z.date(),
  lastSeenAt: z.date().nullable(),
  connected: z.boolean(),
});

export const siteAgentOutput = z.object({
  /** false for platforms that cannot run the agent */
  agentCapable: z.boolean(),
  agent: agentOutput.nullable(),
  pendingTokenExpiresAt: z.date().nullable(),
});

export const siteStatusOutput = z.object({
  site: z.object({ id, name: z.string(), role: z.string(), platform: z.string(), networkId: id }),
  managed: z.boolean(),
  agentCapable: z.boolean(),
  agent: agentOutput.nullable(),
  /** the latest status the agent reported (tunnels, NHRP, IPsec, BGP), null before the first report */
  status: SiteStatus.nullable(),
  /** rows in each list of the full status (with `listLimit` the lists above hold at most that many) */
  listTotals: z.record(z.enum(STATUS_ROW_KINDS), z.number().int()).nullable(),
  seq: z.number().int().nullable(),
  receivedAt: z.date().nullable(),
  events: z.array(z.object({ id, at: z.date(), kind: z.string(), detail: z.record(z.string(), z.unknown()) })),
});

const topologyNodeOutput = z.object({
  id,
  name: z.string(),
  networkId: id,
  networkName: z.string(),
  isDemo: z.boolean(),
  role: z.enum(SITE_ROLES),
  tunnelAddress: z.string(),
  nbma: nullableText,
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  freshness: z.enum(FRESHNESS),
  lastReportAt: nullableText,
  tunnelState: z.enum(["up", "down", "unknown"]),
  registered: z.number().int(),
  registrationsExpected: z.number().int(),
  sasUp: z.number().int(),
  bgpEstablished: z.number().int(),
  bgpNeighbors: z.number().int(),
  shortcuts: z.number().int(),
});

const topologyEdgeOutput = z.object({
  id: z.string(),
  kind: z.enum(["hub-spoke", "shortcut"]),
  source: id,
  target: id,
  state: z.enum(["up", "degraded", "down", "unknown"]),
  registered: z.boolean(),
  saUp: z.boolean().nullable(),
  saBytes: z.number().nullable(),
  saUptimeSeconds: z.number().nullable(),
  bgpState: nullableText,
  bgpUptimeSeconds: z.number().nullable(),
  sourceNbma: nullableText,
  targetNbma: nullableText,
  /** shortcuts: when the NHRP entry runs out (ms since epoch) unless traffic refreshes it */
  expiresAt: z.number().nullable(),
});

export const topologyGraphOutput = z.object({
  nodes: z.array(topologyNodeOutput),
  edges: z.array(topologyEdgeOutput),
});

const statusRowsPage = <K extends StatusRowKind>(kind: K) =>
  z.object({
    kind: z.literal(kind),
    /** when the status these rows come from was collected; null before the first report */
    collectedAt: z.string().nullable(),
    /** rows in the list */
    total: z.number().int(),
    /** rows matching the filter (all of them without one) */
    matched: z.number().int(),
    rows: z.array(STATUS_ROW_SCHEMAS[kind]),
    /** pass as `cursor` for the next page; null on the last page */
    nextCursor: z.string().nullable(),
  });

export const statusRowsOutput = z.discriminatedUnion("kind", [
  statusRowsPage("nhrpCache"),
  statusRowsPage("ipsecSas"),
  statusRowsPage("bgpNeighbors"),
  statusRowsPage("dmvpnPeers"),
  statusRowsPage("shortcuts"),
  statusRowsPage("nhs"),
  statusRowsPage("tunnels"),
]);
