import type { DeploymentItemStatus, DeploymentStatus } from "@dmvpn/protocol";

export type StatusTone = "neutral" | "blue" | "green" | "amber" | "red" | "violet";

/**
 * The badge colour of every deployment and item status. A Record over both unions: a status added to (or taken
 * from) @dmvpn/protocol's vocabulary does not compile until it is given a colour here.
 */
export const DEPLOYMENT_STATUS_TONES: Record<DeploymentItemStatus | DeploymentStatus, StatusTone> = {
  pending: "neutral",
  queued: "neutral",
  running: "blue",
  sent: "blue",
  applied: "violet",
  confirmed: "green",
  succeeded: "green",
  unchanged: "green",
  "awaiting-apply": "amber",
  "marked-applied": "green",
  superseded: "neutral",
  skipped: "amber",
  failed: "red",
  "rolled-back": "red",
};
