"use client";

import { LinkButton } from "./link-button";
import { useSessionUser } from "./session";

export function DeploymentNetworkButton({ networkId }: { networkId: string }) {
  const { canEdit } = useSessionUser();
  return canEdit ? <LinkButton href={`/deployments/new?networkId=${networkId}`}>Deploy network</LinkButton> : null;
}
