import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import type { TLSSocket } from "node:tls";
import {
  type AgentMessage,
  type AgentToConsole,
  agentMessage,
  type ConsoleMessage,
  type ConsoleToAgent,
  parseConsoleMessage,
} from "@dmvpn/protocol";
import WebSocket from "ws";
import { type BackoffOptions, backoffDelay, retryAfterDelay } from "./backoff";
import { type Logger, silentLogger } from "./log";

export interface ConnectionOptions {
  url: string;
  hello: () => AgentMessage<"hello">["payload"];
  backoff: BackoffOptions;
  tls?: { caFile?: string; fingerprint256?: string };
  log?: Logger;
  /** how long to wait for welcome after hello */
  welcomeTimeoutMs?: number;
  /** source address of the connection (a multi-homed router; the fleet benchmark's simulated routers) */
  localAddress?: string;
}

export function normaliseFingerprint(fp: string): string {
  return fp.replaceAll(":", "").toUpperCase();
}

/**
 * The agent's single WebSocket to the console: hello/welcome, heartbeats, liveness, and reconnects with jittered
 * exponential backoff. Emits "ready" after welcome, "message" for other console messages, "down" when lost.
 */
export class ConsoleConnection extends EventEmitter<{
  ready: [ConsoleMessage<"welcome">["payload"]];
  message: [ConsoleToAgent];
  down: [];
  /** the console is admitting hellos at a bounded rate and asked this agent to come back later */
  "retry-after": [number];
}> {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private ready = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private lastReceived = 0;
  /** set by a retry-after from the console: the next reconnect waits for that instead of the backoff */
  private retryAfterMs: number | null = null;
  private readonly log: Logger;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.log = options.log ?? silentLogger;
  }

  get isReady(): boolean {
    return this.ready && this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.teardown();
  }

  /** False when not connected (callers keep what must not be lost). */
  send(message: AgentToConsole): boolean {
    if (!this.isReady || !this.ws) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    const { tls } = this.options;
    const pinned = tls?.fingerprint256 ? normaliseFingerprint(tls.fingerprint256) : null;
    const ws = new WebSocket(this.options.url, {
      handshakeTimeout: 10_000,
      localAddress: this.options.localAddress,
      maxPayload: 4 * 1024 * 1024,
      ca: tls?.caFile ? readFileSync(tls.caFile) : undefined,
      // With a pinned fingerprint the certificate may be self-signed: the pin replaces chain validation.
      rejectUnauthorized: pinned ? false : undefined,
    });
    this.ws = ws;
    let pinFailed = false;
    ws.on("upgrade", (res) => {
      if (!pinned) return;
      const socket = res.socket as TLSSocket;
      const actual =
        typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate().fingerprint256 : undefined;
      if (!actual || normaliseFingerprint(actual) !== pinned) {
        pinFailed = true;
        this.log("error", "console certificate does not match the pinned fingerprint");
        ws.terminate();
      }
    });
    // A console at its limit of connections still waiting for hello answers the upgrade 503 with Retry-After:
    // the same "come back later" as a retry-after message, before any hello is sent.
    ws.on("unexpected-response", (_req, res) => {
      const seconds = Number(res.headers["retry-after"]);
      if (res.statusCode === 503 && Number.isFinite(seconds) && seconds > 0) {
        this.retryAfterMs = Math.min(seconds * 1000, 600_000);
        this.emit("retry-after", this.retryAfterMs);
      }
      ws.terminate();
    });
    ws.on("open", () => {
      if (pinFailed) return;
      this.lastReceived = Date.now();
      ws.send(JSON.stringify(agentMessage("hello", this.options.hello())));
      const welcomeTimeout = setTimeout(() => {
        if (!this.ready) {
          this.log("warn", "no welcome from the console");
          ws.terminate();
        }
      }, this.options.welcomeTimeoutMs ?? 10_000);
      welcomeTimeout.unref();
    });
    ws.on("message", (data: Buffer) => {
      this.lastReceived = Date.now();
      const parsed = parseConsoleMessage(data);
      if (!parsed.ok) {
        this.log("warn", "invalid message from the console", { code: parsed.error.code, error: parsed.error.message });
        if (this.ready) ws.send(JSON.stringify(agentMessage("error", parsed.error)));
        return;
      }
      const msg = parsed.message;
      if (msg.type === "welcome") {
        this.ready = true;
        this.attempt = 0;
        this.startHeartbeat(msg.payload.heartbeatSeconds);
        this.log("info", "connected to the console", { siteId: msg.payload.siteId });
        this.emit("ready", msg.payload);
      } else if (msg.type === "retry-after") {
        this.retryAfterMs = msg.payload.retryAfterMs;
        this.log("info", "console is busy admitting agents; retrying later", { windowMs: msg.payload.retryAfterMs });
        this.emit("retry-after", msg.payload.retryAfterMs);
        ws.close();
      } else if (msg.type === "auth-error") {
        this.log("error", "console refused this agent's credential", { reason: msg.payload.reason });
        ws.close();
      } else if (msg.type !== "heartbeat-ack") {
        if (!this.ready) return;
        this.emit("message", msg);
      }
    });
    ws.on("error", (err) => this.log("debug", "websocket error", { error: err.message }));
    ws.on("close", () => {
      if (this.ws !== ws) return;
      const wasReady = this.ready;
      this.teardown();
      if (wasReady) this.emit("down");
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private startHeartbeat(seconds: number): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const ms = seconds * 1000;
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastReceived > 3 * ms) {
        this.log("warn", "console silent for three heartbeats, reconnecting");
        this.ws?.terminate();
        return;
      }
      this.send(agentMessage("heartbeat", { sentAt: new Date().toISOString() }));
    }, ms);
    this.heartbeatTimer.unref();
  }

  private scheduleReconnect(): void {
    // Asked to come back later: not a failure, so the backoff does not grow; the wait is spread over the window.
    const delay =
      this.retryAfterMs !== null
        ? retryAfterDelay(this.retryAfterMs)
        : backoffDelay(this.attempt++, this.options.backoff);
    this.retryAfterMs = null;
    this.log("info", "reconnecting", { inMs: delay, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private teardown(): void {
    this.ready = false;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate();
  }
}
