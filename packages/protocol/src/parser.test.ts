import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AgentToConsole } from "./messages";
import { createMessageParser, MAX_MESSAGE_BYTES, parseAgentMessage, parseConsoleMessage } from "./parser";
import { SAMPLE_AGENT_MESSAGES, SAMPLE_CONSOLE_MESSAGES } from "./testing/samples";

const hello = SAMPLE_AGENT_MESSAGES[0]!;

function expectError(result: ReturnType<typeof parseAgentMessage>, code: string, text?: RegExp) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  if (text) expect(result.error.message).toMatch(text);
}

describe("createMessageParser", () => {
  it("refuses frames above the size limit before parsing", () => {
    const big = JSON.stringify({ ...hello, payload: { ...hello.payload, hostname: "x".repeat(MAX_MESSAGE_BYTES) } });
    expectError(parseAgentMessage(big), "too-large", /exceeds/);
    expectError(parseAgentMessage(Buffer.from(big)), "too-large");
  });

  it("counts UTF-8 bytes, not characters", () => {
    const parse = createMessageParser(AgentToConsole, { maxBytes: 100 });
    expectError(parse(JSON.stringify({ v: 1, type: "heartbeat", payload: { sentAt: "€".repeat(40) } })), "too-large");
  });

  it("reports invalid JSON and invalid UTF-8", () => {
    expectError(parseAgentMessage("{not json"), "invalid-json");
    expectError(parseAgentMessage(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), "invalid-json");
    expectError(parseAgentMessage(""), "invalid-json");
  });

  it("rejects wrong field types with the path of the field", () => {
    const bad = {
      v: 1,
      type: "apply-result",
      payload: { outcome: "applied", deploymentId: 5, contentHash: "h", confirmBy: "x" },
    };
    expectError(parseAgentMessage(JSON.stringify(bad)), "invalid-message", /payload\.deploymentId/);
  });

  it("rejects unknown message types and other protocol versions", () => {
    expectError(parseAgentMessage(JSON.stringify({ v: 1, type: "reboot", payload: {} })), "invalid-message");
    expectError(parseAgentMessage(JSON.stringify({ ...hello, v: 2 })), "unsupported-version");
  });

  it("rejects prototype-pollution keys anywhere in the frame", () => {
    const raw = `{"v":1,"type":"heartbeat","payload":{"sentAt":"2025-01-01T00:00:00.000Z","__proto__":{"polluted":true}}}`;
    expectError(parseAgentMessage(raw), "invalid-message", /__proto__/);
    expectError(
      parseAgentMessage(`{"v":1,"constructor":{"prototype":{}},"type":"heartbeat","payload":{}}`),
      "invalid-message",
      /prototype|constructor/,
    );
    expectError(
      parseAgentMessage(`{"v":1,"constructor":1,"type":"heartbeat","payload":{}}`),
      "invalid-message",
      /constructor/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects unknown extra fields (strict envelopes)", () => {
    expectError(parseAgentMessage(JSON.stringify({ ...hello, extra: 1 })), "invalid-message");
  });

  it("never echoes the credential in an error", () => {
    const secret = "s3cr3t-credential-value-xyz";
    const bad = { ...hello, payload: { ...hello.payload, credential: secret, platform: "windows" } };
    const result = parseAgentMessage(JSON.stringify(bad));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it("accepts unicode in free text and returns it unchanged", () => {
    const msg = {
      v: 1,
      type: "show-result",
      id: "ü",
      payload: { commandId: "dmvpn", ok: true, output: "Zürich 東京 🚀" },
    };
    expect(parseAgentMessage(JSON.stringify(msg))).toEqual({ ok: true, message: msg });
  });

  it("carries the id of an invalid message for the error reply", () => {
    const result = parseConsoleMessage(
      JSON.stringify({ v: 1, type: "show", id: "q9", payload: { commandId: "rm -rf /" } }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.inReplyTo).toBe("q9");
  });

  it("property: never throws and only accepts catalog messages, whatever the input", () => {
    const parsers = [parseAgentMessage, parseConsoleMessage];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.constantFrom(...SAMPLE_AGENT_MESSAGES, ...SAMPLE_CONSOLE_MESSAGES).chain((m) =>
            fc
              .record({ key: fc.constantFrom("v", "type", "id", "payload", "__proto__"), value: fc.jsonValue() })
              .map(({ key, value }) => {
                const copy: Record<string, unknown> = { ...m };
                Object.defineProperty(copy, key, { value, enumerable: true });
                return JSON.stringify(copy);
              }),
          ),
        ),
        (raw) => {
          for (const parse of parsers) {
            const result = parse(raw);
            if (result.ok) {
              expect(result.message.v).toBe(1);
              expect(typeof result.message.type).toBe("string");
            } else {
              expect(result.error.message.length).toBeGreaterThan(0);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("property: mutating one field of a valid message to a wrong type is rejected", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLE_AGENT_MESSAGES),
        fc.oneof(fc.boolean(), fc.constant(null), fc.array(fc.integer())),
        (message, wrong) => {
          const payloadKeys = Object.keys(message.payload);
          const key = payloadKeys[0]!;
          const mutated = { ...message, payload: { ...message.payload, [key]: wrong } };
          expect(parseAgentMessage(JSON.stringify(mutated)).ok).toBe(false);
        },
      ),
    );
  });
});

describe("unpaired surrogates", () => {
  it("refuses a string holding half a UTF-16 pair, in values and keys, and keeps real pairs", () => {
    const hello = (hostname: string) =>
      `{"v":1,"type":"hello","payload":{"agentVersion":"1.0.0","platform":"sim","hostname":"${hostname}","siteId":"s1","credential":"0123456789abcdef0123"}}`;
    const lone = parseAgentMessage(hello("bad\\ud800"));
    expect(lone).toMatchObject({
      ok: false,
      error: { code: "invalid-message", message: "a string holds a NUL or an unpaired UTF-16 surrogate" },
    });
    expect(parseAgentMessage(hello("\\udc00x")).ok).toBe(false);
    expect(
      parseAgentMessage(`{"v":1,"type":"heartbeat","payload":{"sentAt":"2026-01-01T00:00:00Z"},"\\ud800":1}`).ok,
    ).toBe(false);
    expect(parseAgentMessage(hello("router-\\ud83d\\ude00")).ok).toBe(true);
  });

  it("refuses NUL, which PostgreSQL cannot store in text (found by the gateway fuzz on PostgreSQL)", () => {
    const hello = (siteId: string) =>
      `{"v":1,"type":"hello","payload":{"agentVersion":"1.0.0","platform":"sim","hostname":"r1","siteId":"${siteId}","credential":"0123456789abcdef0123"}}`;
    expect(parseAgentMessage(hello("\\u0000\\u0001\\u001f"))).toMatchObject({
      ok: false,
      error: { code: "invalid-message" },
    });
    expect(parseAgentMessage(hello("site\\u0001")).ok).toBe(true);
  });
});
