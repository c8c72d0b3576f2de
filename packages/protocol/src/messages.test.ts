import { describe, expect, it } from "vitest";
import { AGENT_MESSAGE_TYPES, agentMessage, CONSOLE_MESSAGE_TYPES, redactMessage } from "./messages";
import { parseAgentMessage, parseConsoleMessage } from "./parser";
import { SAMPLE_AGENT_MESSAGES, SAMPLE_CONSOLE_MESSAGES } from "./testing/samples";

describe("message catalogs", () => {
  it("have a sample for every message type in both directions", () => {
    expect(new Set(SAMPLE_AGENT_MESSAGES.map((m) => m.type))).toEqual(new Set(AGENT_MESSAGE_TYPES));
    expect(new Set(SAMPLE_CONSOLE_MESSAGES.map((m) => m.type))).toEqual(new Set(CONSOLE_MESSAGE_TYPES));
  });

  it.each(SAMPLE_AGENT_MESSAGES.map((m) => [m.type, m] as const))("round-trips agent message %s", (_t, message) => {
    const result = parseAgentMessage(JSON.stringify(message));
    expect(result).toEqual({ ok: true, message });
  });

  it.each(SAMPLE_CONSOLE_MESSAGES.map((m) => [m.type, m] as const))("round-trips console message %s", (_t, message) => {
    const result = parseConsoleMessage(JSON.stringify(message));
    expect(result).toEqual({ ok: true, message });
  });

  it("keeps directions apart: a console message is not a valid agent message", () => {
    const apply = SAMPLE_CONSOLE_MESSAGES.find((m) => m.type === "apply")!;
    const result = parseAgentMessage(JSON.stringify(apply));
    expect(result.ok).toBe(false);
  });

  it("builds envelopes with the protocol version", () => {
    expect(agentMessage("confirmed", { deploymentId: "d1" }, "7")).toEqual({
      v: 1,
      type: "confirmed",
      id: "7",
      payload: { deploymentId: "d1" },
    });
  });

  it("redacts the credential of a hello for logging and leaves other messages alone", () => {
    const hello = SAMPLE_AGENT_MESSAGES[0]!;
    const redacted = redactMessage(hello);
    expect(JSON.stringify(redacted)).not.toContain("c".repeat(32));
    expect(hello.type === "hello" && hello.payload.credential).toBe("c".repeat(32));
    const hb = SAMPLE_AGENT_MESSAGES[1]!;
    expect(redactMessage(hb)).toBe(hb);
  });
});
