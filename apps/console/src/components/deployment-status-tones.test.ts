import { DEPLOYMENT_ITEM_STATUSES, DEPLOYMENT_STATUSES, DeploymentItemStatus, DeploymentStatus } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { DEPLOYMENT_STATUS_TONES } from "./deployment-status-tones";

describe("deployment status vocabulary", () => {
  it("gives every status of deployments and items a badge colour, and nothing else", () => {
    expect(Object.keys(DEPLOYMENT_STATUS_TONES).sort()).toEqual(
      [...new Set([...DEPLOYMENT_STATUSES, ...DEPLOYMENT_ITEM_STATUSES])].sort(),
    );
  });

  it("shows a site that did not get its revision in red, one waiting for a person in amber", () => {
    expect(DEPLOYMENT_STATUS_TONES.failed).toBe("red");
    expect(DEPLOYMENT_STATUS_TONES["rolled-back"]).toBe("red");
    expect(DEPLOYMENT_STATUS_TONES["awaiting-apply"]).toBe("amber");
    expect(DEPLOYMENT_STATUS_TONES.succeeded).toBe("green");
  });

  it("refuses the values nothing sets any more (converted by the deployment_status_vocabulary migration)", () => {
    expect(DeploymentStatus.safeParse("stopped").success).toBe(false);
    expect(DeploymentItemStatus.safeParse("unmanaged").success).toBe(false);
    // and a rollback reason is never encoded in a status
    expect(DeploymentItemStatus.safeParse("rolled back: the agent restarted").success).toBe(false);
  });
});
