import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consoleMessage, parseAgentMessage } from "@dmvpn/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { ConsoleConnection } from "./connection";

let dir: string;
let server: Server;
let port: number;
let fingerprint: string;
const hellos: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dmvpn-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=console.test",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  const cert = readFileSync(join(dir, "cert.pem"));
  fingerprint = new X509Certificate(cert).fingerprint256;
  server = createServer({ key: readFileSync(join(dir, "key.pem")), cert });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws) => {
    ws.on("message", (data: Buffer) => {
      const r = parseAgentMessage(data);
      if (r.ok && r.message.type === "hello") {
        hellos.push(r.message.payload.siteId);
        ws.send(
          JSON.stringify(
            consoleMessage("welcome", {
              siteId: r.message.payload.siteId,
              heartbeatSeconds: 5,
              serverTime: new Date().toISOString(),
            }),
          ),
        );
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const hello = (siteId: string) => () => ({
  agentVersion: "t",
  platform: "sim" as const,
  hostname: "h",
  siteId,
  credential: "x".repeat(20),
});

function connect(siteId: string, tls: { caFile?: string; fingerprint256?: string }) {
  const c = new ConsoleConnection({
    url: `wss://127.0.0.1:${port}/`,
    hello: hello(siteId),
    backoff: { initialMs: 5000, maxMs: 5000 },
    tls,
  });
  const ready = new Promise<boolean>((resolve) => {
    c.once("ready", () => resolve(true));
    setTimeout(() => resolve(false), 3000);
  });
  c.start();
  return { c, ready };
}

describe("wss with certificate pinning", () => {
  it("connects when the pinned SHA-256 fingerprint matches a self-signed certificate", async () => {
    const { c, ready } = connect("pinned-ok", { fingerprint256: fingerprint.toLowerCase() });
    expect(await ready).toBe(true);
    c.stop();
  });

  it("connects when the certificate is signed by the configured CA file", async () => {
    const { c, ready } = connect("ca-ok", { caFile: join(dir, "cert.pem") });
    expect(await ready).toBe(true);
    c.stop();
  });

  it("never sends hello (with its credential) when the fingerprint does not match", async () => {
    const { c, ready } = connect("pinned-bad", { fingerprint256: `${"AA:".repeat(31)}AA` });
    expect(await ready).toBe(false);
    c.stop();
    expect(hellos).not.toContain("pinned-bad");
  });

  it("refuses an unknown self-signed certificate without a pin", async () => {
    const { c, ready } = connect("unpinned", {});
    expect(await ready).toBe(false);
    c.stop();
    expect(hellos).not.toContain("unpinned");
    expect(hellos).toEqual(["pinned-ok", "ca-ok"]);
  });
});
