import { z } from "zod";
import { AgentPlatform, ConfigTarget, PROTOCOL_VERSION, ProtocolErrorCode, ShowCommandId } from "./common";
import { StatusChanges } from "./delta";
import { SiteEvent } from "./events";
import { fitText, TEXT_LIMITS } from "./limits";
import { SiteStatus } from "./status";
import { StatusPart } from "./status-parts";

/**
 * Every frame on the agent WebSocket is one JSON envelope `{ v: 1, type, id?, payload }`. `id` correlates a reply
 * with its request (ping -> ping-result, show -> show-result, any -> error). Catalogs are named by direction.
 */
const messageId = z.string().min(1).max(128);
const shortText = z.string().max(256);
const deploymentId = z.string().min(1).max(128);
const seq = z.number().int().nonnegative();

function message<const T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.strictObject({ v: z.literal(PROTOCOL_VERSION), type: z.literal(type), id: messageId.optional(), payload });
}

// ---- agent -> console -------------------------------------------------------------------------------------------

export const HelloMessage = message(
  "hello",
  z.strictObject({
    agentVersion: z.string().min(1).max(64),
    platform: AgentPlatform,
    hostname: z.string().min(1).max(253),
    siteId: z.string().min(1).max(128),
    /** secret: never log a hello message without `redactMessage` */
    credential: z.string().min(16).max(512),
  }),
);

export const HeartbeatMessage = message("heartbeat", z.strictObject({ sentAt: z.iso.datetime() }));

export const APPLY_OUTCOMES = ["applied", "failed", "rolled-back", "unchanged"] as const;
export const ApplyResultMessage = message(
  "apply-result",
  z.discriminatedUnion("outcome", [
    z.strictObject({
      outcome: z.literal("applied"),
      deploymentId,
      contentHash: shortText,
      confirmBy: z.iso.datetime(),
    }),
    z.strictObject({
      outcome: z.literal("failed"),
      deploymentId,
      contentHash: shortText,
      error: z.string().max(TEXT_LIMITS.applyError),
    }),
    z.strictObject({
      outcome: z.literal("rolled-back"),
      deploymentId,
      contentHash: shortText,
      reason: z.string().max(TEXT_LIMITS.rollbackReason),
    }),
    z.strictObject({ outcome: z.literal("unchanged"), deploymentId, contentHash: shortText }),
  ]),
);

export const ConfirmedMessage = message("confirmed", z.strictObject({ deploymentId }));

export const StatusSnapshotMessage = message("status-snapshot", z.strictObject({ seq, status: SiteStatus }));

export const StatusDeltaMessage = message(
  "status-delta",
  z.strictObject({ seq, collectedAt: z.iso.datetime(), changes: StatusChanges }),
);

/** One part of a snapshot too big for a frame (see status-parts.ts); the assembled parts count as a snapshot. */
export const StatusPartMessage = message("status-part", StatusPart);

export const EventMessage = message("event", z.strictObject({ events: z.array(SiteEvent).min(1).max(1000) }));

export const PingResultMessage = message(
  "ping-result",
  z.strictObject({
    target: shortText,
    sent: z.number().int().nonnegative(),
    received: z.number().int().nonnegative(),
    rttAvgMs: z.number().nonnegative().nullable(),
    output: z.string().max(TEXT_LIMITS.pingOutput),
  }),
);

export const ShowResultMessage = message(
  "show-result",
  z.strictObject({ commandId: ShowCommandId, ok: z.boolean(), output: z.string().max(TEXT_LIMITS.showOutput) }),
);

export const ErrorMessage = message(
  "error",
  z.strictObject({
    code: ProtocolErrorCode,
    message: z.string().max(TEXT_LIMITS.errorMessage),
    inReplyTo: shortText.optional(),
  }),
);

export const AgentToConsole = z.discriminatedUnion("type", [
  HelloMessage,
  HeartbeatMessage,
  ApplyResultMessage,
  ConfirmedMessage,
  StatusSnapshotMessage,
  StatusDeltaMessage,
  StatusPartMessage,
  EventMessage,
  PingResultMessage,
  ShowResultMessage,
  ErrorMessage,
]);
export type AgentToConsole = z.infer<typeof AgentToConsole>;

// ---- console -> agent -------------------------------------------------------------------------------------------

export const WelcomeMessage = message(
  "welcome",
  z.strictObject({
    siteId: z.string().min(1).max(128),
    heartbeatSeconds: z.number().int().min(1).max(3600),
    serverTime: z.iso.datetime(),
  }),
);

export const AuthErrorMessage = message("auth-error", z.strictObject({ reason: z.string().max(500) }));

/**
 * Instead of welcome when the console is admitting hellos at a bounded rate (after a restart the whole fleet knocks
 * at once): come back after about this long. The console scales it to how many agents are waiting; the agent spreads
 * its retry at random over that window, so the fleet arrives at the rate the console can take.
 */
export const RetryAfterMessage = message(
  "retry-after",
  z.strictObject({ retryAfterMs: z.number().int().min(0).max(600_000), reason: z.string().max(200).optional() }),
);

export const HeartbeatAckMessage = message("heartbeat-ack", z.strictObject({ sentAt: z.iso.datetime() }));

export const ConfigFile = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be a plain file name"),
  content: z.string().max(2_000_000),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

export const ApplyMessage = message(
  "apply",
  z.strictObject({
    deploymentId,
    revision: z.number().int().nonnegative(),
    contentHash: z.string().min(1).max(256),
    target: ConfigTarget,
    files: z.array(ConfigFile).min(1).max(32),
    confirmWindowSeconds: z.number().int().min(5).max(3600),
  }),
);

export const ConfirmMessage = message("confirm", z.strictObject({ deploymentId }));

export const RequestSnapshotMessage = message(
  "request-snapshot",
  z.strictObject({ reason: z.string().max(200).optional() }),
);

export const PingMessage = message(
  "ping",
  z.strictObject({
    target: z.ipv4(),
    source: z.ipv4().optional(),
    count: z.number().int().min(1).max(20),
  }),
);

export const ShowMessage = message("show", z.strictObject({ commandId: ShowCommandId }));

export const ConsoleToAgent = z.discriminatedUnion("type", [
  WelcomeMessage,
  AuthErrorMessage,
  RetryAfterMessage,
  HeartbeatAckMessage,
  ApplyMessage,
  ConfirmMessage,
  RequestSnapshotMessage,
  PingMessage,
  ShowMessage,
  ErrorMessage,
]);
export type ConsoleToAgent = z.infer<typeof ConsoleToAgent>;

export type AgentMessageType = AgentToConsole["type"];
export type ConsoleMessageType = ConsoleToAgent["type"];
export type AgentMessage<T extends AgentMessageType> = Extract<AgentToConsole, { type: T }>;
export type ConsoleMessage<T extends ConsoleMessageType> = Extract<ConsoleToAgent, { type: T }>;

export const AGENT_MESSAGE_TYPES = AgentToConsole.options.map((o) => o.shape.type.value);
export const CONSOLE_MESSAGE_TYPES = ConsoleToAgent.options.map((o) => o.shape.type.value);

/** Build an agent -> console envelope: `agentMessage("confirmed", { deploymentId })`. */
export function agentMessage<T extends AgentMessageType>(type: T, payload: AgentMessage<T>["payload"], id?: string) {
  return (
    id === undefined ? { v: PROTOCOL_VERSION, type, payload } : { v: PROTOCOL_VERSION, type, id, payload }
  ) as AgentMessage<T>;
}

/** Build a console -> agent envelope: `consoleMessage("confirm", { deploymentId })`. */
export function consoleMessage<T extends ConsoleMessageType>(
  type: T,
  payload: ConsoleMessage<T>["payload"],
  id?: string,
) {
  return (
    id === undefined ? { v: PROTOCOL_VERSION, type, payload } : { v: PROTOCOL_VERSION, type, id, payload }
  ) as ConsoleMessage<T>;
}

/** A copy safe for logs: the hello credential is replaced. */
export function redactMessage<M extends { type: string; payload: unknown }>(msg: M): M {
  if (msg.type === "hello" && msg.payload && typeof msg.payload === "object") {
    return { ...msg, payload: { ...msg.payload, credential: "[redacted]" } };
  }
  return msg;
}

/**
 * Agent side, before sending: free-text fields cut to their limits (`fitText`), then the message validated
 * against the same schema the console parses it with. `ok: false` names what is still wrong, so the agent can
 * report that instead of a message the console would refuse.
 */
export function fitAgentMessage(
  message: AgentToConsole,
): { ok: true; message: AgentToConsole } | { ok: false; error: string } {
  const fitted = fitTextFields(message);
  const parsed = AgentToConsole.safeParse(fitted);
  if (parsed.success) return { ok: true, message: parsed.data };
  return {
    ok: false,
    error: `${message.type}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  };
}

function fitTextFields(m: AgentToConsole): AgentToConsole {
  switch (m.type) {
    case "apply-result": {
      const p = m.payload;
      if (p.outcome === "failed") return { ...m, payload: { ...p, error: fitText(p.error, TEXT_LIMITS.applyError) } };
      if (p.outcome === "rolled-back")
        return { ...m, payload: { ...p, reason: fitText(p.reason, TEXT_LIMITS.rollbackReason) } };
      return m;
    }
    case "event":
      return {
        ...m,
        payload: {
          events: m.payload.events.map((e) =>
            e.kind === "rollback" ? { ...e, reason: fitText(e.reason, TEXT_LIMITS.rollbackReason) } : e,
          ),
        },
      };
    case "ping-result":
      return { ...m, payload: { ...m.payload, output: fitText(m.payload.output, TEXT_LIMITS.pingOutput) } };
    case "show-result":
      return { ...m, payload: { ...m.payload, output: fitText(m.payload.output, TEXT_LIMITS.showOutput) } };
    case "error":
      return { ...m, payload: { ...m.payload, message: fitText(m.payload.message, TEXT_LIMITS.errorMessage) } };
    default:
      return m;
  }
}
