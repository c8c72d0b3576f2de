import type { z } from "zod";
import { PROTOCOL_VERSION, type ProtocolErrorCode } from "./common";
import { AgentToConsole, ConsoleToAgent } from "./messages";

/** Frames above this size are refused before JSON parsing. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface ProtocolError {
  code: ProtocolErrorCode;
  message: string;
  /** the `id` of the offending message when it could be read, so the reply can reference it */
  inReplyTo?: string;
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: ProtocolError };

export interface MessageParserOptions {
  maxBytes?: number;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Text no database stores: half a UTF-16 pair (no Unicode at all), or NUL (PostgreSQL's text refuses it; the
 * gateway fuzz found a hello with a NUL in its site id turning into an internal error there).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorable = (text: string) => text.includes("\0") || LONE_SURROGATE.test(text);

class UnstorableTextError extends Error {}

class ForbiddenKeyError extends Error {}

function tooLarge(raw: string | Uint8Array | ArrayBuffer, maxBytes: number): boolean {
  // A UTF-16 code unit is at least one UTF-8 byte, so long strings are refused without measuring them.
  if (typeof raw === "string") return raw.length > maxBytes || Buffer.byteLength(raw, "utf8") > maxBytes;
  return raw.byteLength > maxBytes;
}

function toText(raw: string | Uint8Array | ArrayBuffer): string {
  if (typeof raw === "string") return raw;
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

function describeIssues(error: z.ZodError): string {
  // Paths and messages only: zod 4 does not echo input values, so secrets in the frame never reach the error text.
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join(".") : "(message)"}: ${i.message}`)
    .join("; ");
}

/**
 * A parser for one direction's catalog. Never throws: anything hostile (too big, not JSON, unknown type, wrong
 * field types, prototype-pollution keys) comes back as `{ ok: false, error }` ready to send as an `error` message.
 */
export function createMessageParser<S extends z.ZodType>(catalog: S, options: MessageParserOptions = {}) {
  const maxBytes = options.maxBytes ?? MAX_MESSAGE_BYTES;
  return function parseMessage(raw: string | Uint8Array | ArrayBuffer): ParseResult<z.infer<S>> {
    try {
      if (tooLarge(raw, maxBytes)) {
        return { ok: false, error: { code: "too-large", message: `message exceeds ${maxBytes} bytes` } };
      }
      let data: unknown;
      try {
        data = JSON.parse(toText(raw), (key, value) => {
          if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError(key);
          // JSON escapes can encode text a database refuses (half a UTF-16 pair, NUL): refuse it here, once.
          if ((typeof value === "string" && unstorable(value)) || unstorable(key)) throw new UnstorableTextError();
          return value;
        });
      } catch (e) {
        if (e instanceof ForbiddenKeyError) {
          return { ok: false, error: { code: "invalid-message", message: `forbidden key "${e.message}"` } };
        }
        if (e instanceof UnstorableTextError) {
          return {
            ok: false,
            error: { code: "invalid-message", message: "a string holds a NUL or an unpaired UTF-16 surrogate" },
          };
        }
        return { ok: false, error: { code: "invalid-json", message: "message is not valid UTF-8 JSON" } };
      }
      const inReplyTo = readId(data);
      if (data && typeof data === "object" && "v" in data && data.v !== PROTOCOL_VERSION) {
        return {
          ok: false,
          error: { code: "unsupported-version", message: `protocol version must be ${PROTOCOL_VERSION}`, inReplyTo },
        };
      }
      const parsed = catalog.safeParse(data);
      if (!parsed.success) {
        return { ok: false, error: { code: "invalid-message", message: describeIssues(parsed.error), inReplyTo } };
      }
      return { ok: true, message: parsed.data };
    } catch {
      return { ok: false, error: { code: "internal", message: "message could not be parsed" } };
    }
  };
}

function readId(data: unknown): string | undefined {
  if (data && typeof data === "object" && "id" in data && typeof data.id === "string" && data.id.length <= 128) {
    return data.id;
  }
  return undefined;
}

/** Console side: parse a frame received from an agent. */
export const parseAgentMessage = createMessageParser(AgentToConsole);
/** Agent side: parse a frame received from the console. */
export const parseConsoleMessage = createMessageParser(ConsoleToAgent);
