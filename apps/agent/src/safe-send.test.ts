import { type AgentToConsole, agentMessage, parseAgentMessage, TEXT_LIMITS } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { silentLogger } from "./log";
import { safeSender } from "./safe-send";

function wire() {
  const frames: string[] = [];
  const send = safeSender((m: AgentToConsole) => {
    frames.push(JSON.stringify(m));
    return true;
  }, silentLogger);
  return { frames, send };
}

describe("safeSender", () => {
  it("cuts an oversized driver error so that the console accepts the apply result", () => {
    const { frames, send } = wire();
    const error = `VyOS apply failed: ${"x".repeat(3 * TEXT_LIMITS.applyError)}\nCommit failed`;
    send(agentMessage("apply-result", { outcome: "failed", deploymentId: "d1", contentHash: "h", error }, "7"));
    const parsed = parseAgentMessage(frames[0] as string);
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.message).toMatchObject({
      id: "7",
      payload: {
        outcome: "failed",
        error: expect.stringMatching(/^VyOS apply failed: x+\n\[… \d+ characters cut …\]\nx+\nCommit failed$/),
      },
    });
  });

  it("turns an apply result that cannot be made valid into a failed one the console can match", () => {
    const { frames, send } = wire();
    send(agentMessage("apply-result", { outcome: "applied", deploymentId: "d1", contentHash: "h", confirmBy: "soon" }));
    const parsed = parseAgentMessage(frames[0] as string);
    expect(parsed.ok && parsed.message.payload).toMatchObject({
      outcome: "failed",
      deploymentId: "d1",
      error: expect.stringContaining("confirmBy"),
    });
  });
});
