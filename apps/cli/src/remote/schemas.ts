import { DeploymentItemStatus, DeploymentStatus } from "@dmvpn/protocol";
import { z } from "zod";

/**
 * The parts of the console's REST answers (/api/v1, see /api/openapi.json) the CLI uses. Loose objects: a newer
 * console may add fields. Dates arrive as ISO strings.
 */
const id = z.string();
const date = z.string();

export const networkListSchema = z.array(z.looseObject({ id, name: z.string() }));

export const siteRowSchema = z.looseObject({
  id,
  name: z.string(),
  network: z.string(),
  role: z.string(),
  platform: z.string(),
  publicAddress: z.string().nullable(),
  tunnelAddress: z.string(),
  lanPrefixes: z.array(z.string()),
});
export type SiteRow = z.infer<typeof siteRowSchema>;

export const siteListSchema = z.looseObject({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  rows: z.array(siteRowSchema),
});

export const renderedConfigSchema = z.discriminatedUnion("ok", [
  z.looseObject({
    ok: z.literal(true),
    site: z.string(),
    target: z.string(),
    files: z.array(z.object({ name: z.string(), content: z.string() })),
    hash: z.string(),
    secretsIncluded: z.boolean(),
  }),
  z.looseObject({ ok: z.literal(false), issues: z.array(z.string()) }),
]);

export const inventoryYamlSchema = z.string();

const importCounts = z.object({ create: z.number().int(), update: z.number().int(), unchanged: z.number().int() });
const importChange = z.looseObject({ entity: z.string(), name: z.string(), kind: z.string() });

export const importPreviewSchema = z.looseObject({
  issues: z.array(z.looseObject({ where: z.string(), message: z.string(), text: z.string() })),
  changes: z.array(importChange),
  counts: importCounts,
});
export const importAppliedSchema = z.looseObject({ counts: importCounts, changes: z.array(importChange) });

export const createdSchema = z.looseObject({ id });

export const deploymentSchema = z.looseObject({
  id,
  status: DeploymentStatus,
  summary: z.string().nullable(),
  createdAt: date,
  finishedAt: date.nullable(),
  items: z.array(
    z.looseObject({
      siteId: id,
      site: z.string(),
      wave: z.number().int(),
      status: DeploymentItemStatus,
      error: z.string().nullable(),
      revision: z.number().int(),
    }),
  ),
});
export type Deployment = z.infer<typeof deploymentSchema>;

export const markAppliedResultSchema = z.looseObject({
  site: z.string(),
  revision: z.number().int(),
  deploymentId: id,
  superseded: z.number().int(),
  deploymentsSucceeded: z.array(id),
});
