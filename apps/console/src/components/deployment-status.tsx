import { Badge } from "./ui";

const TONES: Record<string, "neutral" | "blue" | "green" | "amber" | "red" | "violet"> = {
  pending: "neutral",
  queued: "neutral",
  running: "blue",
  sent: "blue",
  applied: "violet",
  confirmed: "green",
  succeeded: "green",
  unchanged: "green",
  unmanaged: "neutral",
  skipped: "amber",
  stopped: "amber",
  failed: "red",
  "rolled-back": "red",
};

export function DeploymentStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? "neutral"}>{status}</Badge>;
}
