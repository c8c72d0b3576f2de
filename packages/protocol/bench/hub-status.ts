// npm run bench -w @dmvpn/protocol: a hub's status at 1,000 / 3,000 / 10,000 spokes on the wire. Frame sizes and
// part counts of a snapshot, with and without deflate (zlib raw deflate, what permessage-deflate sends), the time
// to cut it into parts, to parse and validate them as the console does, and to assemble them; then the delta after
// 10 s of traffic (every counter ticked) with and without counters, and with one SA changed.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { deflateRawSync } from "node:zlib";
import { WebSocket, WebSocketServer } from "ws";
import {
  agentMessage,
  diffStatus,
  MAX_MESSAGE_BYTES,
  parseAgentMessage,
  StatusPartAssembler,
  splitStatus,
} from "../src/index";
import { hubStatus, tickHubStatus } from "../src/testing/hub-status";

/**
 * The frames through a real ws socket pair on loopback, permessage-deflate on or off (server and client both
 * offering it, compressing frames over 1 KiB as ws does by default): bytes on the wire and time until the server
 * has every frame.
 */
async function overSocket(frames: string[], deflate: boolean) {
  const server = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    maxPayload: 4 * MAX_MESSAGE_BYTES,
    perMessageDeflate: deflate,
  });
  await once(server, "listening");
  let got = 0;
  let wire = 0;
  const done = new Promise<void>((resolve) =>
    server.on("connection", (ws, req) => {
      ws.on("message", () => {
        if (++got === frames.length) {
          wire = req.socket.bytesRead;
          resolve();
        }
      });
    }),
  );
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, {
    perMessageDeflate: deflate,
  });
  await once(client, "open");
  const t = performance.now();
  for (const f of frames) client.send(f);
  await done;
  const elapsed = performance.now() - t;
  client.close();
  server.close();
  return { wire, elapsed };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const ms = (t: number) => `${t.toFixed(0)} ms`;

for (const spokes of [1000, 3000, 10_000]) {
  const status = hubStatus(spokes);
  const whole = JSON.stringify(agentMessage("status-snapshot", { seq: 1, status }));
  let t = performance.now();
  const parts = splitStatus(status, { seq: 1, snapshotId: "bench", maxFrameBytes: MAX_MESSAGE_BYTES });
  const splitMs = performance.now() - t;
  const frames = parts.map((p) => JSON.stringify(agentMessage("status-part", p)));
  const sizes = frames.map((f) => Buffer.byteLength(f));
  t = performance.now();
  const deflated = frames.map((f) => deflateRawSync(f).length);
  const deflateMs = performance.now() - t;
  t = performance.now();
  const parsed = frames.map((f) => parseAgentMessage(f));
  const parseMs = performance.now() - t;
  const assembler = new StatusPartAssembler();
  t = performance.now();
  let verdict = "";
  for (const r of parsed) {
    if (!r.ok || r.message.type !== "status-part") throw new Error("a part did not parse");
    verdict = assembler.accept(r.message.payload).kind;
  }
  const assembleMs = performance.now() - t;

  const later = tickHubStatus(status, 10);
  const deltaBytes = (d: ReturnType<typeof diffStatus>) =>
    Buffer.byteLength(JSON.stringify(agentMessage("status-delta", { seq: 2, ...d })));
  const withCounters = deltaBytes(diffStatus(status, later));
  const withoutCounters = deltaBytes(diffStatus(status, later, { ignoreCounters: true }));
  const oneChange = structuredClone(later);
  oneChange.ipsecSas[7] = { ...oneChange.ipsecSas[7]!, state: "DELETING" };
  const oneChangeBytes = deltaBytes(diffStatus(status, oneChange, { ignoreCounters: true }));

  console.log(
    `\n${spokes} spokes: snapshot ${kib(Buffer.byteLength(whole))} (${kib(deflateRawSync(whole).length)} deflated)`,
  );
  console.log(
    `  parts: ${parts.length} (limit ${kib(MAX_MESSAGE_BYTES)}), largest ${kib(Math.max(...sizes))}, deflated ${kib(Math.min(...deflated))}–${kib(Math.max(...deflated))} (${((100 * deflated.reduce((a, b) => a + b, 0)) / sizes.reduce((a, b) => a + b, 0)).toFixed(1)} %)`,
  );
  console.log(
    `  split ${ms(splitMs)} · deflate all ${ms(deflateMs)} · parse+validate all ${ms(parseMs)} · assemble ${ms(assembleMs)} (${verdict})`,
  );
  for (const deflate of [false, true]) {
    const { wire, elapsed } = await overSocket(frames, deflate);
    console.log(
      `  over a ws socket, permessage-deflate ${deflate ? "on " : "off"}: ${kib(wire)} on the wire, ${ms(elapsed)}`,
    );
  }
  console.log(
    `  delta after 10 s of traffic: ${kib(withCounters)} with counters, ${withoutCounters} B without; one SA changed: ${oneChangeBytes} B`,
  );
}
