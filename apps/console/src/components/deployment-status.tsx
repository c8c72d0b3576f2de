import type { DeploymentItemStatus, DeploymentStatus } from "@dmvpn/protocol";
import { Badge } from "./ui";

const TONES: Record<
  DeploymentItemStatus | DeploymentStatus,
  "neutral" | "blue" | "green" | "amber" | "red" | "violet"
> = {
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
  unmanaged: "neutral",
  skipped: "amber",
  stopped: "amber",
  failed: "red",
  "rolled-back": "red",
};

export function DeploymentStatusBadge({ status }: { status: DeploymentItemStatus | DeploymentStatus }) {
  return <Badge tone={TONES[status]}>{status}</Badge>;
}
