import type { Db, PrismaClient } from "@dmvpn/db";
import type { DeploymentItemStatus, DeploymentStatus } from "@dmvpn/protocol";
import { z } from "zod";
import { DomainError, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { openSecret, sealSecret } from "./secrets";
import { siteManagement } from "./site-management";

/** A router's config is a few hundred kB at most; anything larger is a mistake (wrong file). */
export const RUNNING_CONFIG_MAX_CHARS = 1_000_000;

export const markAppliedSchema = z.object({
  siteId: z.string().min(1).max(64),
  /** the revision the operator applied; default: the newest one waiting */
  revision: z.number().int().positive().optional(),
  /** the router's running config as pasted or fetched (show running-config); drives the site's drift */
  runningConfig: z
    .string()
    .max(RUNNING_CONFIG_MAX_CHARS, `runningConfig: at most ${RUNNING_CONFIG_MAX_CHARS} characters`)
    .refine((t) => t.trim().length > 0, "runningConfig: empty; leave it out instead")
    .optional(),
});
export type MarkAppliedInput = z.input<typeof markAppliedSchema>;

/** Terminal pastes bring CRLF and trailing blanks; neither is configuration. */
export function normaliseSuppliedConfig(text: string): string {
  return `${text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .trim()}\n`;
}

/**
 * An operator applied an agentless site's pending revision by hand and says so. In one transaction: the item
 * becomes marked-applied (the baseline of later diffs), older pending items of the site are superseded, the
 * supplied running config replaces the stored one (none supplied: the stored one described an earlier state and
 * is dropped), deployments with nothing left pending succeed, and the audit log records who did it.
 */
export async function markRevisionApplied(db: PrismaClient, actor: Actor, input: MarkAppliedInput) {
  const q = markAppliedSchema.parse(input);
  const site = await db.site.findUnique({
    where: { id: q.siteId },
    select: { id: true, name: true, platform: true, networkId: true },
  });
  if (!site) throw notFound("site");
  if ((await siteManagement(db, site.id, site.platform)) === "agent") {
    throw new DomainError(
      "BAD_REQUEST",
      `${site.name} has an agent: its deployments are applied and confirmed by the agent, not marked by hand`,
    );
  }
  const pending = await db.deploymentItem.findMany({
    where: { siteId: site.id, status: "awaiting-apply" },
    include: { revision: { select: { id: true, number: true } } },
    orderBy: { updatedAt: "desc" },
  });
  if (!pending.length) throw new DomainError("BAD_REQUEST", `${site.name}: no deployment is waiting to be applied`);
  const newest = pending.reduce((a, b) => (b.revision.number > a.revision.number ? b : a));
  const item = q.revision === undefined ? newest : pending.find((i) => i.revision.number === q.revision);
  if (!item) {
    const waiting = [...new Set(pending.map((i) => i.revision.number))].sort((a, b) => a - b).join(", ");
    throw new DomainError(
      "BAD_REQUEST",
      `revision: ${site.name} has no pending deployment of revision ${q.revision} (pending: ${waiting})`,
    );
  }
  const superseded = pending.filter((i) => i.id !== item.id && i.revision.number <= item.revision.number);

  return db.$transaction(async (tx) => {
    // Only if still pending: two operators marking at once must not both succeed.
    const marked = await tx.deploymentItem.updateMany({
      where: { id: item.id, status: "awaiting-apply" },
      data: { status: "marked-applied" satisfies DeploymentItemStatus, markedAppliedBy: actor.name, error: null },
    });
    if (!marked.count)
      throw new DomainError("CONFLICT", `${site.name}: revision ${item.revision.number} was just marked applied`);
    if (superseded.length) {
      await tx.deploymentItem.updateMany({
        where: { id: { in: superseded.map((i) => i.id) }, status: "awaiting-apply" },
        data: {
          status: "superseded" satisfies DeploymentItemStatus,
          error: `revision ${item.revision.number} was marked applied instead`,
        },
      });
    }
    if (q.runningConfig !== undefined) {
      const data = {
        content: sealSecret(normaliseSuppliedConfig(q.runningConfig)),
        revisionId: item.revision.id,
        recordedBy: actor.name,
        recordedAt: new Date(),
      };
      await tx.siteRunningConfig.upsert({
        where: { siteId: site.id },
        create: { siteId: site.id, ...data },
        update: data,
      });
    } else {
      await tx.siteRunningConfig.deleteMany({ where: { siteId: site.id } });
    }
    const deploymentIds = [...new Set([item, ...superseded].map((i) => i.deploymentId))];
    const finished: string[] = [];
    for (const deploymentId of deploymentIds) {
      const left = await tx.deploymentItem.count({ where: { deploymentId, status: "awaiting-apply" } });
      if (left) continue;
      const done = await tx.deployment.updateMany({
        where: { id: deploymentId, status: "awaiting-apply" },
        data: { status: "succeeded" satisfies DeploymentStatus, summary: null, finishedAt: new Date() },
      });
      if (done.count) finished.push(deploymentId);
    }
    await recordAudit(tx, actor, {
      action: "deployment.marked-applied",
      entityType: "site",
      entityId: site.id,
      entityName: site.name,
      networkId: site.networkId,
      after: {
        revision: item.revision.number,
        deploymentId: item.deploymentId,
        superseded: superseded.map((i) => i.revision.number),
        runningConfigSupplied: q.runningConfig !== undefined,
      },
    });
    return {
      site: site.name,
      revision: item.revision.number,
      deploymentId: item.deploymentId,
      superseded: superseded.length,
      deploymentsSucceeded: finished,
    };
  });
}

/** The running config an operator supplied for an agentless site, with the revision it came with. */
export async function suppliedRunningConfig(db: Db, siteId: string) {
  const row = await db.siteRunningConfig.findUnique({ where: { siteId } });
  if (!row) return null;
  return { content: openSecret(row.content), revisionId: row.revisionId, by: row.recordedBy, at: row.recordedAt };
}
