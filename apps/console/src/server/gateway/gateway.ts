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
} from "@dmvpn/protocol";
import { WebSocket, WebSocketServer } from "ws";
import type { EventBus } from "../bus";
import { describeInternalError } from "../internal-error";
import { authenticateAgent } from "../services/agents";
import { recordSiteEvents, storeStatusReport } from "../services/site-status";

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
  log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

export interface AgentGateway {
  /** `address`: the caller's, for the unauthenticated-connection limit (default: the socket's peer) */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, address?: string): void;
  send(siteId: string, message: ConsoleToAgent): boolean;
  isConnected(siteId: string): boolean;
  /** every validated message from an authenticated agent, tagged with its site */
  onMessage(listener: AgentMessageListener): () => void;
  /** send a request with an id and resolve with the first reply carrying that id */
  request(siteId: string, message: ConsoleToAgent, timeoutMs: number): Promise<AgentToConsole>;
  disconnect(siteId: string, reason: string): void;
  close(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  /** counted against the unauthenticated limits until hello succeeds or the socket closes */
  release: () => void;
  siteId: string | null;
  networkId: string | null;
  errors: number;
  lastReceived: number;
  lastSeenWritten: number;
  chain: Promise<void>;
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

  const send = (ws: WebSocket, message: ConsoleToAgent) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  const now = () => new Date().toISOString();

  // Liveness: an agent heartbeats every heartbeatSeconds; silence for three periods means the link is dead.
  const sweep = setInterval(() => {
    const limit = Date.now() - heartbeatSeconds * 3000;
    for (const c of bySite.values()) if (c.lastReceived < limit) c.ws.terminate();
  }, heartbeatSeconds * 1000);
  sweep.unref();

  function protocolError(c: Connection, error: ProtocolError) {
    c.errors++;
    log("warn", "protocol error from agent", { siteId: c.siteId, code: error.code, errors: c.errors });
    send(c.ws, consoleMessage("error", error));
    if (c.errors >= (options.maxProtocolErrors ?? 20)) c.ws.close(1008, "too many protocol errors");
  }

  async function handleHello(c: Connection, msg: Extract<AgentToConsole, { type: "hello" }>) {
    const auth = await authenticateAgent(db, msg.payload.siteId, msg.payload.credential);
    if (!auth) {
      log("warn", "agent authentication refused", { siteId: msg.payload.siteId });
      send(c.ws, consoleMessage("auth-error", { reason: "unknown site, wrong or revoked credential" }));
      c.ws.close(4001, "authentication failed");
      return;
    }
    // Stored first, with its event in one transaction: if the write fails the connection stays unauthenticated
    // rather than half-bound, and whoever sees the agent online also sees the event that says so.
    await db.$transaction(async (tx) => {
      await tx.agent.update({
        where: { siteId: auth.siteId },
        data: {
          connected: true,
          lastSeenAt: new Date(),
          hostname: msg.payload.hostname,
          version: msg.payload.agentVersion,
          platform: msg.payload.platform,
        },
      });
      await recordSiteEvents(tx, auth.siteId, auth.networkId, [{ kind: "agent-online", at: now() }]);
    });
    const previous = bySite.get(auth.siteId);
    if (previous && previous !== c) {
      previous.siteId = null; // its close must not mark the new connection offline
      previous.ws.terminate();
    }
    c.siteId = auth.siteId;
    c.networkId = auth.networkId;
    c.release();
    bySite.set(auth.siteId, c);
    c.lastSeenWritten = Date.now();
    send(c.ws, consoleMessage("welcome", { siteId: auth.siteId, heartbeatSeconds, serverTime: now() }));
    bus.publish({ type: "agent.online", siteId: auth.siteId, networkId: auth.networkId, at: now() });
    log("info", "agent connected", { siteId: auth.siteId, hostname: msg.payload.hostname });
  }

  async function handleAgentMessage(c: Connection, siteId: string, networkId: string, msg: AgentToConsole) {
    switch (msg.type) {
      case "hello":
        protocolError(c, { code: "unexpected-message", message: "already authenticated", inReplyTo: msg.id });
        return;
      case "heartbeat":
        send(c.ws, consoleMessage("heartbeat-ack", { sentAt: msg.payload.sentAt }));
        if (Date.now() - c.lastSeenWritten >= heartbeatSeconds * 1000) {
          c.lastSeenWritten = Date.now();
          await db.agent.update({ where: { siteId }, data: { lastSeenAt: new Date() } });
        }
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
        const r = await storeStatusReport(db, siteId, report);
        if (r.status) {
          bus.publish({
            type: "site.status",
            siteId,
            networkId,
            at: now(),
            seq: r.status.seq,
            status: r.status.status,
          });
        } else if (r.verdict === "gap") {
          send(c.ws, consoleMessage("request-snapshot", { reason: "sequence gap" }));
        }
        break;
      }
      case "event":
        await recordSiteEvents(db, siteId, networkId, msg.payload.events);
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
    // Frames are handled one at a time per connection so status deltas are merged in order.
    c.chain = c.chain
      .then(async () => {
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
      // one transaction: whoever sees the agent offline also sees the event that says so
      await db.$transaction(async (tx) => {
        await tx.agent.update({ where: { siteId }, data: { connected: false, lastSeenAt: new Date() } });
        await recordSiteEvents(tx, siteId, networkId, [{ kind: "agent-offline", at: now() }]);
      });
      bus.publish({ type: "agent.offline", siteId, networkId, at: now() });
    } catch (e) {
      log("warn", "could not record agent offline", { siteId, error: describeInternalError(e as Error) });
    }
  }

  wss.on("connection", (ws: WebSocket, _req: IncomingMessage, release: () => void) => {
    const c: Connection = {
      ws,
      release,
      siteId: null,
      networkId: null,
      errors: 0,
      lastReceived: Date.now(),
      lastSeenWritten: 0,
      chain: Promise.resolve(),
    };
    const helloTimer = setTimeout(() => {
      if (!c.siteId) ws.close(4001, "no hello");
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
        log("warn", "agent connection refused: too many unauthenticated connections", { address });
        socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      socket.once("close", release);
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req, release));
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
    onMessage(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    request(siteId, message, timeoutMs) {
      const id = message.id ?? `req-${++requestCounter}`;
      return new Promise((resolve, reject) => {
        const off = this.onMessage((from, reply) => {
          if (from === siteId && reply.id === id) {
            clearTimeout(timer);
            off();
            resolve(reply);
          }
        });
        const timer = setTimeout(() => {
          off();
          reject(new Error("the agent did not answer in time"));
        }, timeoutMs);
        if (!this.send(siteId, { ...message, id })) {
          clearTimeout(timer);
          off();
          reject(new Error("the agent is not connected"));
        }
      });
    },
    disconnect(siteId, reason) {
      bySite.get(siteId)?.ws.close(4003, reason.slice(0, 100));
    },
    async close() {
      clearInterval(sweep);
      for (const c of wss.clients) c.terminate();
      // resolves once every socket has emitted close, so every offline write is in `closing` by then
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await Promise.all(closing);
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
