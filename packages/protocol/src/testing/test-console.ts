import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { applyDelta } from "../diff";
import { ENROLL_PATH, EnrollRequest, type EnrollResponse } from "../enroll";
import type { SiteEvent } from "../events";
import { type AgentToConsole, type ConsoleMessage, type ConsoleMessageType, consoleMessage } from "../messages";
import { parseAgentMessage } from "../parser";
import { StatusSequenceTracker } from "../sequence";
import type { SiteStatus } from "../status";

/**
 * A minimal console for tests, demos and benchmarks: the enrol endpoint and the agent WebSocket, implemented only
 * with this package, keeping per-site status (snapshots + deltas, gap detection) and a log of every message.
 */
export interface TestConsoleOptions {
  port?: number;
  /** enrolment tokens this console accepts (each once) */
  tokens?: string[];
  heartbeatSeconds?: number;
  /** accept any credential in hello (load tests); otherwise only credentials issued by enrol or `addSite` */
  acceptAnyCredential?: boolean;
}

export interface ReceivedMessage {
  siteId: string | null;
  message: AgentToConsole;
}

export interface SiteView {
  siteId: string;
  status: SiteStatus | null;
  events: SiteEvent[];
  snapshotsRequested: number;
}

const WS_PATH = "/api/agent/ws";

export class TestConsole {
  readonly received: ReceivedMessage[] = [];
  readonly sites = new Map<string, SiteView>();
  readonly enrolments: EnrollRequest[] = [];
  protocolErrors = 0;
  connections = 0;
  private readonly credentials = new Map<string, string>();
  private readonly sockets = new Map<string, WebSocket>();
  private readonly trackers = new Map<string, StatusSequenceTracker>();
  private readonly waiters = new Set<() => void>();
  private readonly tokens: Set<string>;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private siteCounter = 0;
  port = 0;

  constructor(private readonly options: TestConsoleOptions = {}) {
    this.tokens = new Set(options.tokens ?? []);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.port}${WS_PATH}`;
  }

  addSite(siteId: string, credential: string): void {
    this.credentials.set(siteId, credential);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handleHttp(req, res));
    const wss = new WebSocketServer({ server, path: WS_PATH, maxPayload: 2 * 1024 * 1024 });
    wss.on("connection", (ws) => this.handleSocket(ws));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port || this.options.port || 0, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
    return this;
  }

  /** Close every connection and the listener; `start()` again reuses the same port. */
  async stop(): Promise<void> {
    for (const ws of this.wss?.clients ?? []) ws.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    this.sockets.clear();
    this.server = null;
    this.wss = null;
  }

  /** Gaps seen across all sites (each made this console ask for a snapshot). */
  snapshotsRequestedTotal(): number {
    return [...this.sites.values()].reduce((n, s) => n + s.snapshotsRequested, 0);
  }

  isConnected(siteId: string): boolean {
    return this.sockets.get(siteId)?.readyState === WebSocket.OPEN;
  }

  send<T extends ConsoleMessageType>(
    siteId: string,
    type: T,
    payload: ConsoleMessage<T>["payload"],
    id?: string,
  ): void {
    const ws = this.sockets.get(siteId);
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new Error(`site ${siteId} is not connected`);
    ws.send(JSON.stringify(consoleMessage(type, payload, id)));
  }

  /** Resolve with the first message (already received or future) matching `predicate`. */
  waitForMessage<T extends AgentToConsole["type"]>(
    type: T,
    predicate: (m: Extract<AgentToConsole, { type: T }>, siteId: string | null) => boolean = () => true,
    timeoutMs = 15_000,
    from = 0,
  ): Promise<Extract<AgentToConsole, { type: T }>> {
    return this.waitUntil(
      () => {
        for (const r of this.received.slice(from)) {
          if (r.message.type === type && predicate(r.message as Extract<AgentToConsole, { type: T }>, r.siteId)) {
            return r.message as Extract<AgentToConsole, { type: T }>;
          }
        }
        return undefined;
      },
      timeoutMs,
      `message ${type}`,
    );
  }

  /** Poll `check` after every received message until it returns a value. */
  waitUntil<R>(check: () => R | undefined | false, timeoutMs = 15_000, what = "condition"): Promise<R> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== undefined && value !== false) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(attempt);
      };
      this.waiters.add(attempt);
      attempt();
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private async handleHttp(req: IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
    if (req.method !== "POST" || req.url !== ENROLL_PATH) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      body = null;
    }
    const parsed = EnrollRequest.safeParse(body);
    const reply = (status: number, data: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(data));
    if (!parsed.success) return void reply(400, { error: "invalid enrolment request" });
    if (!this.tokens.delete(parsed.data.token)) return void reply(401, { error: "unknown or used enrolment token" });
    this.enrolments.push(parsed.data);
    const siteId = `site-${++this.siteCounter}-${parsed.data.hostname}`;
    const credential = `cred-${siteId}-${Math.random().toString(36).slice(2)}-long-enough`;
    this.credentials.set(siteId, credential);
    const response: EnrollResponse = { siteId, credential, websocketUrl: this.websocketUrl };
    reply(200, response);
    this.notify();
  }

  private handleSocket(ws: WebSocket): void {
    this.connections++;
    let siteId: string | null = null;
    ws.on("message", (data: Buffer) => {
      const result = parseAgentMessage(data);
      if (!result.ok) {
        this.protocolErrors++;
        ws.send(JSON.stringify(consoleMessage("error", result.error)));
        return;
      }
      const msg = result.message;
      if (!siteId && msg.type !== "hello") {
        ws.send(JSON.stringify(consoleMessage("error", { code: "not-authenticated", message: "send hello first" })));
        return;
      }
      if (msg.type === "hello") {
        const expected = this.credentials.get(msg.payload.siteId);
        if (!this.options.acceptAnyCredential && expected !== msg.payload.credential) {
          ws.send(JSON.stringify(consoleMessage("auth-error", { reason: "unknown site or credential" })));
          ws.close(4001, "auth");
          return;
        }
        siteId = msg.payload.siteId;
        this.sockets.get(siteId)?.terminate();
        this.sockets.set(siteId, ws);
        this.trackers.set(siteId, new StatusSequenceTracker());
        if (!this.sites.has(siteId))
          this.sites.set(siteId, { siteId, status: null, events: [], snapshotsRequested: 0 });
        ws.send(
          JSON.stringify(
            consoleMessage("welcome", {
              siteId,
              heartbeatSeconds: this.options.heartbeatSeconds ?? 15,
              serverTime: new Date().toISOString(),
            }),
          ),
        );
      } else if (siteId) {
        this.handleAgentMessage(siteId, ws, msg);
      }
      this.received.push({ siteId, message: msg });
      this.notify();
    });
    ws.on("close", () => {
      if (siteId && this.sockets.get(siteId) === ws) this.sockets.delete(siteId);
      this.notify();
    });
  }

  private handleAgentMessage(siteId: string, ws: WebSocket, msg: AgentToConsole): void {
    const site = this.sites.get(siteId)!;
    const tracker = this.trackers.get(siteId)!;
    switch (msg.type) {
      case "heartbeat":
        ws.send(JSON.stringify(consoleMessage("heartbeat-ack", { sentAt: msg.payload.sentAt })));
        break;
      case "status-snapshot":
        tracker.snapshot(msg.payload.seq);
        site.status = msg.payload.status;
        break;
      case "status-delta": {
        const verdict = tracker.delta(msg.payload.seq);
        if (verdict === "in-order" && site.status) {
          site.status = applyDelta(site.status, msg.payload);
        } else if (verdict === "gap") {
          site.snapshotsRequested++;
          ws.send(JSON.stringify(consoleMessage("request-snapshot", { reason: "sequence gap" })));
        }
        break;
      }
      case "event":
        site.events.push(...msg.payload.events);
        break;
      default:
        break;
    }
  }
}
