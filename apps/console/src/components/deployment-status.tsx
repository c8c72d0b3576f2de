import type { DeploymentItemStatus, DeploymentStatus } from "@dmvpn/protocol";
import { DEPLOYMENT_STATUS_TONES } from "./deployment-status-tones";
import { Badge } from "./ui";

export function DeploymentStatusBadge({ status }: { status: DeploymentItemStatus | DeploymentStatus }) {
  return <Badge tone={DEPLOYMENT_STATUS_TONES[status]}>{status}</Badge>;
}
