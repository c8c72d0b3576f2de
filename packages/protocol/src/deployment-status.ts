import { z } from "zod";

/**
 * Where one site stands in a deployment. Agent-managed sites go queued → sent → applied → confirmed (or
 * unchanged, failed, rolled-back). Agentless sites go queued → awaiting-apply: the console stored the revision and waits
 * for an operator to apply it by hand and say so (marked-applied). `superseded`: a newer revision of the same site
 * was marked applied first. (`unmanaged`, what agentless items were called before awaiting-apply existed, is gone:
 * the deployment_status_vocabulary migration turned such rows into awaiting-apply.)
 */
export const DEPLOYMENT_ITEM_STATUSES = [
  "queued",
  "sent",
  "applied",
  "confirmed",
  "unchanged",
  "failed",
  "rolled-back",
  "skipped",
  "awaiting-apply",
  "marked-applied",
  "superseded",
] as const;
export const DeploymentItemStatus = z.enum(DEPLOYMENT_ITEM_STATUSES);
export type DeploymentItemStatus = z.infer<typeof DeploymentItemStatus>;

/** Items whose revision is what the router runs: the baseline of every later diff. */
export const ITEM_STATUSES_DEPLOYED: readonly DeploymentItemStatus[] = ["confirmed", "unchanged", "marked-applied"];

/**
 * A deployment as a whole. `awaiting-apply`: every agent-managed site is done, and agentless sites wait for an
 * operator; it becomes `succeeded` when the last of them is marked applied. A deployment that stops after a failed
 * wave is `failed` (its summary names the wave and site); there is no separate "stopped".
 */
export const DEPLOYMENT_STATUSES = ["pending", "running", "awaiting-apply", "succeeded", "failed"] as const;
export const DeploymentStatus = z.enum(DEPLOYMENT_STATUSES);
export type DeploymentStatus = z.infer<typeof DeploymentStatus>;
/** Nothing more happens without a person: the runner is done with it. */
export const DEPLOYMENT_STATUSES_SETTLED: readonly DeploymentStatus[] = ["awaiting-apply", "succeeded", "failed"];

/** What started a deployment: one site, a selection or filter, a whole network, or a rollback to an earlier revision. */
export const DEPLOYMENT_SCOPES = ["site", "selected", "network", "rollback"] as const;
export const DeploymentScope = z.enum(DEPLOYMENT_SCOPES);
export type DeploymentScope = z.infer<typeof DeploymentScope>;
