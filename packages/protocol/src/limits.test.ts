import { describe, expect, it } from "vitest";
import { fitText, TEXT_LIMITS } from "./limits";
import { agentMessage, fitAgentMessage } from "./messages";
import { parseAgentMessage } from "./parser";

describe("fitText", () => {
  it("leaves text within the limit alone", () => {
    expect(fitText("Commit failed", 100)).toBe("Commit failed");
  });

  it("keeps the head and the tail within the limit and says how much was cut", () => {
    const text = `[ protocols nhrp ]\nTunnel address must be /32\n${"x".repeat(50_000)}\nCommit failed`;
    const fitted = fitText(text, TEXT_LIMITS.applyError);
    expect(fitted.length).toBeLessThanOrEqual(TEXT_LIMITS.applyError);
    expect(fitted.length).toBeGreaterThan(TEXT_LIMITS.applyError - 10);
    expect(fitted.startsWith("[ protocols nhrp ]\nTunnel address must be /32")).toBe(true);
    expect(fitted.endsWith("Commit failed")).toBe(true);
    const cut = Number(/\[… (\d+) characters cut …\]/.exec(fitted)?.[1]);
    expect(text.length - cut).toBe(fitted.length - `\n[… ${cut} characters cut …]\n`.length);
  });
});

describe("fitAgentMessage", () => {
  it("makes an oversized failed apply result one the console accepts, with the router's text in it", () => {
    const error = `VyOS apply failed: ${"Set failed\n".repeat(5000)}Commit failed`;
    const raw = agentMessage("apply-result", { outcome: "failed", deploymentId: "d1", contentHash: "h", error });
    expect(parseAgentMessage(JSON.stringify(raw)).ok).toBe(false);
    const fitted = fitAgentMessage(raw);
    if (!fitted.ok) throw new Error(fitted.error);
    expect(parseAgentMessage(JSON.stringify(fitted.message))).toEqual({ ok: true, message: fitted.message });
    const payload = fitted.message.payload as { error: string };
    expect(payload.error.startsWith("VyOS apply failed: Set failed")).toBe(true);
    expect(payload.error.endsWith("Commit failed")).toBe(true);
  });

  it("fits rollback reasons in the result and in the event alike", () => {
    const reason = "r".repeat(5000);
    const result = fitAgentMessage(
      agentMessage("apply-result", { outcome: "rolled-back", deploymentId: "d1", contentHash: "h", reason }),
    );
    const event = fitAgentMessage(
      agentMessage("event", {
        events: [{ kind: "rollback", at: "2026-01-01T00:00:00.000Z", deploymentId: "d1", reason }],
      }),
    );
    expect(result.ok && event.ok).toBe(true);
  });

  it("names what is wrong when cutting text cannot make the message valid", () => {
    const bad = agentMessage("apply-result", { outcome: "unchanged", deploymentId: "", contentHash: "h" });
    expect(fitAgentMessage(bad)).toEqual({ ok: false, error: expect.stringContaining("payload.deploymentId") });
  });
});
