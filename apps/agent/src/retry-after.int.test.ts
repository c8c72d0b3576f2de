import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { consoleMessage, parseAgentMessage } from "@dmvpn/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { retryAfterDelay } from "./backoff";
import { ConsoleConnection } from "./connection";

let server: Server;
let port: number;
/** when each hello arrived; the first is answered retry-after, the rest welcome */
const hellos: number[] = [];
const WINDOW_MS = 600;

beforeAll(async () => {
  server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws) => {
    ws.on("message", (data: Buffer) => {
      const r = parseAgentMessage(data);
      if (!r.ok || r.message.type !== "hello") return;
      hellos.push(Date.now());
      if (hellos.length === 1) {
        ws.send(JSON.stringify(consoleMessage("retry-after", { retryAfterMs: WINDOW_MS })));
        ws.close(1013, "try again later");
        return;
      }
      const payload = { siteId: r.message.payload.siteId, heartbeatSeconds: 5, serverTime: new Date().toISOString() };
      ws.send(JSON.stringify(consoleMessage("welcome", payload)));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("retry-after from the console", () => {
  it("comes back within the window the console asked for, not after its (much longer) backoff", async () => {
    const c = new ConsoleConnection({
      url: `ws://127.0.0.1:${port}/`,
      hello: () => ({ agentVersion: "t", platform: "sim", hostname: "h", siteId: "s1", credential: "x".repeat(20) }),
      backoff: { initialMs: 30_000, maxMs: 60_000 },
    });
    const asked: number[] = [];
    c.on("retry-after", (ms) => asked.push(ms));
    const ready = new Promise<boolean>((resolve) => {
      c.once("ready", () => resolve(true));
      setTimeout(() => resolve(false), 5000);
    });
    c.start();
    expect(await ready).toBe(true);
    c.stop();
    expect(asked).toEqual([WINDOW_MS]);
    expect(hellos).toHaveLength(2);
    expect(hellos[1]! - hellos[0]!).toBeLessThan(WINDOW_MS + 1000);
  });

  it("spreads retries uniformly over the window: a crowd turned away together does not return together", () => {
    let i = 0;
    const randoms = [0, 0.25, 0.5, 0.75, 0.999];
    const delays = randoms.map(() => retryAfterDelay(60_000, () => randoms[i++]!));
    expect(delays[0]).toBe(250);
    expect(delays[4]).toBeLessThanOrEqual(60_000);
    for (let k = 1; k < delays.length; k++) expect(delays[k]! - delays[k - 1]!).toBeGreaterThan(14_000);
  });
});

describe("a 503 with Retry-After on the upgrade", () => {
  it("is honoured like retry-after: the next attempt comes within that window, not after the backoff", async () => {
    const attempts: number[] = [];
    const busy = createServer((_req, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({ noServer: true });
    busy.on("upgrade", (req, socket, head) => {
      attempts.push(Date.now());
      if (attempts.length === 1) {
        socket.end(
          "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        );
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on("message", () => {
          const payload = { siteId: "s2", heartbeatSeconds: 5, serverTime: new Date().toISOString() };
          ws.send(JSON.stringify(consoleMessage("welcome", payload)));
        });
      });
    });
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const c = new ConsoleConnection({
      url: `ws://127.0.0.1:${(busy.address() as AddressInfo).port}/`,
      hello: () => ({ agentVersion: "t", platform: "sim", hostname: "h", siteId: "s2", credential: "x".repeat(20) }),
      backoff: { initialMs: 30_000, maxMs: 60_000 },
    });
    const asked: number[] = [];
    c.on("retry-after", (ms) => asked.push(ms));
    const ready = new Promise<boolean>((resolve) => {
      c.once("ready", () => resolve(true));
      setTimeout(() => resolve(false), 5000);
    });
    c.start();
    try {
      expect(await ready).toBe(true);
    } finally {
      c.stop();
      busy.closeAllConnections();
      busy.close();
    }
    expect(asked).toEqual([1000]);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]! - attempts[0]!).toBeLessThan(2000);
  });
});
