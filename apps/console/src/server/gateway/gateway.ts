import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { PrismaClient } from "@dmvpn/db";
import {
  type AgentToConsole,
  AgentToConsole as AgentToConsoleSchema,
  type ConsoleToAgent,
  consoleMessage,
  createMessageParser,
  MAX_MESSAGE_BYTES,
  type ProtocolError,
  parseAgentMessage,
  StatusPartAssembler,
} from "@dmvpn/protocol";
import { WebSocket, WebSocketServer } from "ws";
import type { EventBus } from "../bus";
import { describeInternalError } from "../internal-error";
import { authenticateAgent } from "../services/agents";
import { LatestStatuses, siteEventsQuery } from "../services/site-status";
import type { StatusReport, StoredStatus } from "../services/status-merge";
import { BatchWriter } from "./batch-writer";
import { PresenceWrites } from "./presence-writes";
import { requestReply } from "./request-reply";

export const AGENT_WS_PATH = "/api/agent/ws";

export type AgentMessageListener = (siteId: string, message: AgentToConsole) => void;

export interface GatewayOptions {
  db: PrismaClient;
  bus: EventBus;
  heartbeatSeconds?: number;
  /** frames above this get an error reply; ws closes the socket only above 4× this */
  maxMessageBytes?: number;
  /** close a socket that has not sent a valid hello in this time */
  helloTimeoutMs?: number;
  /** sockets not yet authenticated (upgrading or waiting for hello), in all and from one address */
  maxUnauthenticated?: number;
  maxUnauthenticatedPerAddress?: number;
  /** protocol errors tolerated on one connection before it is closed */
  maxProtocolErrors?: number;
  /** hellos admitted per second (and as a burst); the rest get retry-after with a window scaled to the crowd */
  hellosPerSecond?: number;
  /** the longest retry-after window the console asks for */
  maxRetryAfterMs?: number;
  /** frames from one agent waiting to be handled before its connection is closed as overloaded */
  maxQueuedFrames?: number;
  /** how often latest statuses and last-seen times are written */
  statusFlushMs?: number;
  lastSeenFlushMs?: number;
  log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
  /** several console instances (REDIS_URL): who holds which agent */
  presence?: GatewayPresence;
}

/** How the gateway tells the cluster's presence that this instance holds an agent, or no longer does. */
export interface GatewayPresence {
  bound(siteId: string): Promise<void>;
  /** false when another instance holds the agent by now: its offline must then not be recorded */
  released(siteId: string): Promise<boolean>;
}

export interface AgentGateway {
  /** `address`: the caller's, for the unauthenticated-connection limit (default: the socket's peer) */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, address?: string): void;
  send(siteId: string, message: ConsoleToAgent): boolean;
  isConnected(siteId: string): boolean;
  /** the sites whose agents are connected to this process */
  connectedSites?(): string[];
  /** every validated message from an authenticated agent, tagged with its site */
  onMessage(listener: AgentMessageListener): () => void;
  /** send a request with an id and resolve with the first reply carrying that id */
  request(siteId: string, message: ConsoleToAgent, timeoutMs: number): Promise<AgentToConsole>;
  disconnect(siteId: string, reason: string): void;
  /** the latest status merged here (possibly not yet written to the database) */
  latestStatus?(siteId: string): (StoredStatus & { receivedAt: Date }) | null;
  /** write what is held in memory (latest statuses, batched writes) now */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  /** counted against the unauthenticated limits until hello succeeds or the socket closes */
  release: () => void;
  /** the client's address (as the unauthenticated limits counted it) */
  address: string;
  siteId: string | null;
  networkId: string | null;
  errors: number;
  lastReceived: number;
  chain: Promise<void>;
  /** a valid hello arrived (it may still be waiting for admission, the credential check or its write) */
  helloSeen: boolean;
  /** frames parsed and waiting in `chain` */
  queued: number;
  /** the newest status snapshot received: queued status messages older than it are superseded and skipped */
  snapshotSeq: number;
  /** a hub's snapshot arriving in parts (status-part), one at a time */
  parts: StatusPartAssembler;
}

const defaultLog: NonNullable<GatewayOptions["log"]> = (level, msg, fields) =>
  console[level === "info" ? "log" : level](`[agent-gateway] ${msg}`, fields ? JSON.stringify(fields) : "");

/**
 * The agents' WebSocket endpoint. One connection per site: `hello` authenticates against the site's hashed
 * credential and binds the connection to that site, so an agent can only ever speak for its own site. Every frame
 * is size-checked and validated; bad frames get an `error` reply and a log line (type and code, never content).
 */
export function createGateway(options: GatewayOptions): AgentGateway {
  const { db, bus } = options;
  const heartbeatSeconds = options.heartbeatSeconds ?? 15;
  const maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const parse = options.maxMessageBytes ? createMessageParser(AgentToConsoleSchema, { maxBytes }) : parseAgentMessage;
  const log = options.log ?? defaultLog;
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBytes * 4 });
  const bySite = new Map<string, Connection>();
  const listeners = new Set<AgentMessageListener>();
  /** offline writes still running: close() waits for them so a shutdown never cuts one off */
  const closing = new Set<Promise<void>>();
  let requestCounter = 0;
  const pending = new UnauthenticatedSockets(
    options.maxUnauthenticated ?? 256,
    options.maxUnauthenticatedPerAddress ?? 16,
  );
  const writer = new BatchWriter(db, { log });
  const presenceWrites = new PresenceWrites(db, writer);
  const statuses = new LatestStatuses(db, (q) => writer.write(q), {
    flushMs: options.statusFlushMs,
    log: (msg, fields) => log("warn", msg, fields),
  });
  statuses.start();
  const admission = new HelloAdmission(options.hellosPerSecond ?? 100, options.maxRetryAfterMs ?? 60_000);
  const maxQueued = options.maxQueuedFrames ?? 200;

  const send = (ws: WebSocket, message: ConsoleToAgent) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  const now = () => new Date().toISOString();

  // Liveness: an agent heartbeats every heartbeatSeconds; silence for three periods means the link is dead.
  const sweep = setInterval(() => {
    const limit = Date.now() - heartbeatSeconds * 3000;
    for (const c of bySite.values()) {
      if (c.lastReceived < limit) c.ws.terminate();
      c.parts.expire(); // frees a snapshot whose sender stopped halfway
    }
    admission.prune();
  }, heartbeatSeconds * 1000);
  sweep.unref();

  // Last seen lives in memory (each connection's lastReceived); the database gets it for every connected agent in
  // one statement per 500 sites now and then, instead of a write per heartbeat.
  const writeLastSeen = () => {
    const ids = [...bySite.keys()];
    const at = new Date();
    const jobs = [];
    for (let i = 0; i < ids.length; i += 500) {
      jobs.push(
        writer.write([
          db.agent.updateMany({ where: { siteId: { in: ids.slice(i, i + 500) } }, data: { lastSeenAt: at } }),
        ]),
      );
    }
    return Promise.all(jobs).catch((e: unknown) =>
      log("warn", "could not record last-seen times", { error: describeInternalError(e as Error) }),
    );
  };
  const lastSeenTimer = setInterval(() => void writeLastSeen(), options.lastSeenFlushMs ?? 60_000);
  lastSeenTimer.unref();

  function protocolError(c: Connection, error: ProtocolError) {
    c.errors++;
    log("warn", "protocol error from agent", { siteId: c.siteId, code: error.code, errors: c.errors });
    send(c.ws, consoleMessage("error", error));
    if (c.errors >= (options.maxProtocolErrors ?? 20)) c.ws.close(1008, "too many protocol errors");
  }

  async function handleHello(c: Connection, msg: Extract<AgentToConsole, { type: "hello" }>) {
    const retryAfterMs = admission.admit(msg.payload.siteId, `address:${c.address}`);
    if (retryAfterMs !== null) {
      send(c.ws, consoleMessage("retry-after", { retryAfterMs, reason: "admitting agents at a bounded rate" }));
      c.ws.close(1013, "try again later");
      return;
    }
    const auth = await authenticateAgent(db, msg.payload.siteId, msg.payload.credential);
    if (!auth) {
      log("warn", "agent authentication refused", { siteId: msg.payload.siteId });
      send(c.ws, consoleMessage("auth-error", { reason: "unknown site, wrong or revoked credential" }));
      c.ws.close(4001, "authentication failed");
      return;
    }
    // Stored first, with its event in one transaction: if the write fails the connection stays unauthenticated
    // rather than half-bound, and whoever sees the agent online also sees the event that says so. Recorded together
    // with the other hellos of the moment (OnlineWrites), not an interactive transaction per agent.
    const details = {
      hostname: msg.payload.hostname,
      version: msg.payload.agentVersion,
      platform: msg.payload.platform,
    };
    const { stored } = auth;
    const changed =
      stored.hostname !== details.hostname ||
      stored.version !== details.version ||
      stored.platform !== details.platform;
    await presenceWrites.online({
      siteId: auth.siteId,
      networkId: auth.networkId,
      at: new Date(),
      details: changed ? details : null,
    });
    if (c.ws.readyState !== WebSocket.OPEN) {
      // gone while its hello was written (its close found it unbound): offline again, unless it reconnected meanwhile
      if (bySite.has(auth.siteId)) return;
      const at = new Date();
      await presenceWrites.offline({ siteId: auth.siteId, networkId: auth.networkId, at, lastSeenAt: at });
      return;
    }
    const previous = bySite.get(auth.siteId);
    if (previous && previous !== c) {
      previous.siteId = null; // its close must not mark the new connection offline
      previous.ws.terminate();
    }
    c.siteId = auth.siteId;
    c.networkId = auth.networkId;
    c.release();
    bySite.set(auth.siteId, c);
    if (options.presence) {
      await options.presence
        .bound(auth.siteId)
        .catch((e: unknown) => log("warn", "could not record presence", { error: describeInternalError(e as Error) }));
    }
    send(c.ws, consoleMessage("welcome", { siteId: auth.siteId, heartbeatSeconds, serverTime: now() }));
    bus.publish({ type: "agent.online", siteId: auth.siteId, networkId: auth.networkId, at: now() });
    log("info", "agent connected", { siteId: auth.siteId, hostname: msg.payload.hostname });
  }

  async function storeReport(c: Connection, siteId: string, networkId: string, report: StatusReport) {
    const r = await statuses.report(siteId, report);
    if (r.status) {
      bus.publish({ type: "site.status", siteId, networkId, at: now(), seq: r.status.seq, status: r.status.status });
    } else if (r.verdict === "gap") {
      send(c.ws, consoleMessage("request-snapshot", { reason: "sequence gap" }));
    }
  }

  async function handleAgentMessage(c: Connection, siteId: string, networkId: string, msg: AgentToConsole) {
    switch (msg.type) {
      case "hello":
        protocolError(c, { code: "unexpected-message", message: "already authenticated", inReplyTo: msg.id });
        return;
      case "heartbeat":
        send(c.ws, consoleMessage("heartbeat-ack", { sentAt: msg.payload.sentAt }));
        break;
      case "status-snapshot":
      case "status-delta": {
        const report =
          msg.type === "status-snapshot"
            ? ({ kind: "snapshot", seq: msg.payload.seq, status: msg.payload.status } as const)
            : ({
                kind: "delta",
                seq: msg.payload.seq,
                delta: { collectedAt: msg.payload.collectedAt, changes: msg.payload.changes },
              } as const);
        if (report.seq < c.snapshotSeq) break; // a newer snapshot is already queued behind it
        await storeReport(c, siteId, networkId, report);
        break;
      }
      case "status-part": {
        if (msg.payload.seq < c.snapshotSeq) break;
        const verdict = c.parts.accept(msg.payload);
        if (verdict.kind === "rejected") {
          protocolError(c, { code: "invalid-message", message: `status-part: ${verdict.reason}`, inReplyTo: msg.id });
          send(c.ws, consoleMessage("request-snapshot", { reason: "status parts could not be assembled" }));
        } else if (verdict.kind === "complete") {
          await storeReport(c, siteId, networkId, { kind: "snapshot", seq: verdict.seq, status: verdict.status });
        }
        break;
      }
      case "event":
        await writer.write([siteEventsQuery(db, siteId, networkId, msg.payload.events)]);
        for (const event of msg.payload.events)
          bus.publish({ type: "site.event", siteId, networkId, at: now(), event });
        break;
      case "error":
        log("warn", "agent reported an error", { siteId, code: msg.payload.code });
        break;
      default:
        break;
    }
    for (const l of listeners) {
      try {
        l(siteId, msg);
      } catch (e) {
        log("error", "agent message listener failed", { error: describeInternalError(e as Error) });
      }
    }
  }

  function onFrame(c: Connection, data: Buffer) {
    c.lastReceived = Date.now();
    const result = parse(data);
    if (!result.ok) return protocolError(c, result.error);
    const msg = result.message;
    if (msg.type === "hello") c.helloSeen = true;
    if (msg.type === "status-snapshot") c.snapshotSeq = Math.max(c.snapshotSeq, msg.payload.seq);
    // the last part completes a snapshot: older queued status messages are superseded by it as by a whole one
    if (msg.type === "status-part" && msg.payload.index === msg.payload.count - 1) {
      c.snapshotSeq = Math.max(c.snapshotSeq, msg.payload.seq);
    }
    // Bounded: an agent whose frames pile up faster than they are handled is cut off; it reconnects (backing off)
    // and starts again from a snapshot, instead of the queue growing without end.
    if (++c.queued > maxQueued) {
      log("warn", "agent connection overloaded: closing it", { siteId: c.siteId, queued: c.queued });
      c.ws.close(1013, "overloaded");
      return;
    }
    // Frames are handled one at a time per connection so status deltas are merged in order.
    c.chain = c.chain
      .then(async () => {
        c.queued--;
        if (c.ws.readyState !== WebSocket.OPEN) return;
        if (msg.type === "hello") {
          if (c.siteId) return protocolError(c, { code: "unexpected-message", message: "already authenticated" });
          return handleHello(c, msg);
        }
        if (!c.siteId || !c.networkId) {
          return protocolError(c, { code: "not-authenticated", message: "send hello first", inReplyTo: msg.id });
        }
        return handleAgentMessage(c, c.siteId, c.networkId, msg);
      })
      .catch((e: unknown) => {
        log("error", "handling an agent message failed", {
          siteId: c.siteId,
          type: msg.type,
          error: describeInternalError(e as Error),
        });
        send(c.ws, consoleMessage("error", { code: "internal", message: "the console could not process the message" }));
      });
  }

  async function onClose(c: Connection) {
    await c.chain;
    const { siteId, networkId } = c; // hello sets both
    if (!siteId || !networkId || bySite.get(siteId) !== c) return;
    bySite.delete(siteId);
    try {
      // Moved to another instance meanwhile (it reconnected there first): that instance has it online.
      if (options.presence && !(await options.presence.released(siteId))) return;
      // one transaction: whoever sees the agent offline also sees the event that says so
      await presenceWrites.offline({ siteId, networkId, at: new Date(), lastSeenAt: new Date(c.lastReceived) });
      bus.publish({ type: "agent.offline", siteId, networkId, at: now() });
    } catch (e) {
      log("warn", "could not record agent offline", { siteId, error: describeInternalError(e as Error) });
    }
  }

  wss.on("connection", (ws: WebSocket, _req: IncomingMessage, release: () => void, address: string) => {
    const c: Connection = {
      ws,
      release,
      address,
      siteId: null,
      networkId: null,
      errors: 0,
      lastReceived: Date.now(),
      chain: Promise.resolve(),
      helloSeen: false,
      queued: 0,
      snapshotSeq: 0,
      parts: new StatusPartAssembler(),
    };
    // Closes a socket that sent no hello; one whose hello is still being checked and written (a busy console) stays.
    const helloTimer = setTimeout(() => {
      if (!c.siteId && !c.helloSeen) ws.close(4001, "no hello");
    }, options.helloTimeoutMs ?? 5_000);
    helloTimer.unref();
    ws.on("message", (data: Buffer) => onFrame(c, data));
    ws.on("error", (e) => log("warn", "agent socket error", { siteId: c.siteId, error: e.message }));
    ws.on("close", () => {
      clearTimeout(helloTimer);
      c.release();
      const done = onClose(c);
      closing.add(done);
      void done.finally(() => closing.delete(done));
    });
  });

  return {
    handleUpgrade(req, socket, head, address = req.socket.remoteAddress ?? "") {
      // Refused before the handshake: unauthenticated sockets cost memory and a timer each, and anyone can open one.
      const release = pending.admit(address);
      if (!release) {
        // Retry-After: agents spread their next attempt over the admission window instead of backing off blindly
        const seconds = Math.ceil(admission.refuse(`address:${address}`) / 1000);
        log("warn", "agent connection refused: too many unauthenticated connections", { address });
        socket.end(
          `HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${seconds}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
        return;
      }
      socket.once("close", release);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req, release, address));
    },
    send(siteId, message) {
      const c = bySite.get(siteId);
      if (!c || c.ws.readyState !== WebSocket.OPEN) return false;
      c.ws.send(JSON.stringify(message));
      return true;
    },
    isConnected(siteId) {
      return bySite.get(siteId)?.ws.readyState === WebSocket.OPEN;
    },
    connectedSites() {
      return [...bySite.keys()];
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    request(siteId, message, timeoutMs) {
      const id = message.id ?? `req-${++requestCounter}`;
      return requestReply(this, siteId, message, id, timeoutMs);
    },
    disconnect(siteId, reason) {
      bySite.get(siteId)?.ws.close(4003, reason.slice(0, 100));
    },
    latestStatus(siteId) {
      return statuses.get(siteId);
    },
    async flush() {
      await presenceWrites.flush();
      await statuses.flush();
      await writer.flush();
    },
    async close() {
      clearInterval(sweep);
      clearInterval(lastSeenTimer);
      for (const c of wss.clients) c.terminate();
      // resolves once every socket has emitted close, so every offline write is in `closing` by then
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await Promise.all(closing);
      await presenceWrites.flush();
      await statuses.stop();
      await writer.flush();
    },
  };
}

/** Counts sockets not yet authenticated, in all and per address; `admit` returns the release, or null when full. */
class UnauthenticatedSockets {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly maxPerAddress: number,
  ) {}

  admit(address: string): (() => void) | null {
    const mine = this.byAddress.get(address) ?? 0;
    if (this.total >= this.max || mine >= this.maxPerAddress) return null;
    this.total++;
    this.byAddress.set(address, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.byAddress.set(address, left);
      else this.byAddress.delete(address);
    };
  }
}

/**
 * Hellos admitted at a bounded rate (a token bucket). A refused agent is told to come back within a window long
 * enough for everyone refused lately to get in at that rate (the agents waiting, over the rate), so after a restart
 * the fleet spreads its reconnects instead of knocking in a tight loop; capped so no agent waits for long.
 */
export class HelloAdmission {
  private tokens: number;
  private last: number;
  /** sites refused recently, with when: how many agents are waiting */
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly perSecond: number,
    private readonly maxWindowMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = perSecond;
    this.last = clock();
  }

  /**
   * null when admitted, else the retry-after window in ms. `alias`: the key the same agent was refused under before
   * its hello (its address, at the upgrade): admitted, it no longer waits under either. Left counted, every agent
   * turned away at the upgrade stretched the window for two minutes after it got in, and the last agents of a fleet
   * were sent away for up to a minute while hardly anyone was waiting.
   */
  admit(siteId: string, alias?: string): number | null {
    const now = this.clock();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens--;
      this.waiting.delete(siteId);
      if (alias) this.waiting.delete(alias);
      return null;
    }
    return this.refuse(siteId);
  }

  /** counts one more agent waiting (by site, or by address when turned away before hello); returns the window */
  refuse(key: string): number {
    // bounded: a flood of made-up site ids can stretch the window only up to the cap
    if (this.waiting.size < 1_000_000) this.waiting.set(key, this.clock());
    return this.window();
  }

  /** how long the agents waiting now take to get in at this rate (at least a second, at most the cap) */
  window(): number {
    return Math.round(Math.min(this.maxWindowMs, Math.max(1000, (this.waiting.size / this.perSecond) * 1000)));
  }

  /** forget refusals older than the longest window (those agents got in, or gave up) */
  prune(): void {
    const limit = this.clock() - 2 * this.maxWindowMs;
    for (const [id, at] of this.waiting) if (at < limit) this.waiting.delete(id);
  }
}
