import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AgentToConsole, agentMessage } from "./messages";
import { createMessageParser, MAX_MESSAGE_BYTES } from "./parser";
import { NHRP_CACHE_TYPES, type SiteStatus, STATUS_LIST_MAX } from "./status";
import { type StatusPart, StatusPartAssembler, StatusTooLargeError, splitStatus } from "./status-parts";
import { hubStatus } from "./testing/hub-status";
import { SAMPLE_STATUS } from "./testing/samples";

const frameBytes = (part: StatusPart) => Buffer.byteLength(JSON.stringify(agentMessage("status-part", part)), "utf8");

function assemble(parts: StatusPart[], assembler = new StatusPartAssembler()) {
  const verdicts = parts.map((p) => assembler.accept(p));
  return { verdicts, last: verdicts.at(-1) };
}

// ---- arbitraries: any status the schema accepts, with text in any script (multi-byte UTF-8 included) ----------
const text = (max: number) => fc.string({ maxLength: Math.min(max, 40), unit: "grapheme" });
const n = fc.nat({ max: 2 ** 40 });
const nhrpEntry = fc.record({
  interface: text(64),
  type: fc.constantFrom(...NHRP_CACHE_TYPES),
  protocolAddress: text(64),
  nbma: text(64),
  claimedNbma: fc.option(text(64)),
  expiresInSeconds: fc.option(n),
  flags: fc.record({ used: fc.boolean(), timeout: fc.boolean(), auth: fc.boolean(), up: fc.boolean() }),
  identity: fc.option(text(256)),
});
const child = fc.record({
  name: text(256),
  uniqueId: text(32),
  state: text(32),
  mode: fc.option(text(32)),
  bytesIn: n,
  bytesOut: n,
  packetsIn: n,
  packetsOut: n,
  installedSeconds: fc.option(n),
  localTs: fc.array(text(256), { maxLength: 3 }),
  remoteTs: fc.array(text(256), { maxLength: 3 }),
});
const sa = fc.record({
  name: text(256),
  uniqueId: text(32),
  state: text(32),
  localHost: fc.option(text(64)),
  remoteHost: fc.option(text(64)),
  remoteId: fc.option(text(256)),
  establishedSeconds: fc.option(n),
  natRemote: fc.boolean(),
  children: fc.array(child, { maxLength: 3 }),
});
const bgp = fc.record({
  address: text(64),
  remoteAs: fc.option(fc.nat({ max: 4_294_967_295 })),
  state: text(32),
  prefixesReceived: fc.option(n),
  uptimeSeconds: fc.option(n),
});
const siteStatus: fc.Arbitrary<SiteStatus> = fc.record({
  collectedAt: fc.constant("2026-01-01T00:00:00.000Z"),
  tunnels: fc.array(
    fc.record({
      name: text(64),
      operState: fc.constantFrom("up" as const, "down" as const, "unknown" as const),
      mtu: fc.option(n),
      rxBytes: n,
      txBytes: n,
      rxPackets: n,
      txPackets: n,
    }),
    { maxLength: 3 },
  ),
  nhrpCache: fc.array(nhrpEntry, { maxLength: 40 }),
  nhs: fc.array(
    fc.record({ interface: text(64), nbma: text(256), protocolAddress: fc.option(text(64)), registered: fc.boolean() }),
    { maxLength: 3 },
  ),
  shortcuts: fc.array(
    fc.record({ type: text(32), prefix: text(64), via: fc.option(text(64)), identity: fc.option(text(256)) }),
    { maxLength: 5 },
  ),
  dmvpnPeers: fc.array(
    fc.record({
      source: text(64),
      destination: text(64),
      notifierActive: fc.boolean(),
      installedSas: n,
      identity: fc.option(text(256)),
    }),
    { maxLength: 5 },
  ),
  ipsecSas: fc.array(sa, { maxLength: 20 }),
  bgpNeighbors: fc.array(bgp, { maxLength: 20 }),
});

describe("splitStatus and StatusPartAssembler", () => {
  it("property: any status → parts (each a valid frame under the limit) → assembled equals the original", () => {
    const maxFrameBytes = 6 * 1024;
    const parse = createMessageParser(AgentToConsole, { maxBytes: maxFrameBytes });
    fc.assert(
      fc.property(siteStatus, (status) => {
        const parts = splitStatus(status, { seq: 7, snapshotId: "s7", maxFrameBytes });
        for (const part of parts) {
          expect(frameBytes(part)).toBeLessThanOrEqual(maxFrameBytes);
          expect(parse(JSON.stringify(agentMessage("status-part", part))).ok).toBe(true);
        }
        const { last } = assemble(parts);
        expect(last).toEqual({ kind: "complete", seq: 7, status });
      }),
      { numRuns: 150 },
    );
  });

  it("cuts a 10,000-spoke hub into frames under 1 MiB, within the part limit, and back", () => {
    const status = hubStatus(10_000);
    const parts = splitStatus(status, { seq: 1, snapshotId: "hub", maxFrameBytes: MAX_MESSAGE_BYTES });
    const sizes = parts.map(frameBytes);
    expect(parts.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    // full frames: the split does not waste parts (all but the last are at least 90 % of the limit)
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThan(0.9 * MAX_MESSAGE_BYTES);
    expect(assemble(parts).last).toEqual({ kind: "complete", seq: 1, status });
  });

  it("sends a small status as one part", () => {
    const parts = splitStatus(SAMPLE_STATUS, { seq: 3, snapshotId: "x", maxFrameBytes: MAX_MESSAGE_BYTES });
    expect(parts).toHaveLength(1);
    expect(new StatusPartAssembler().accept(parts[0]!)).toEqual({ kind: "complete", seq: 3, status: SAMPLE_STATUS });
  });

  it("refuses a status that needs more than 64 parts, and a row bigger than a frame", () => {
    expect(() => splitStatus(hubStatus(3000), { seq: 1, snapshotId: "x", maxFrameBytes: 32 * 1024 })).toThrow(
      /needs \d+ parts, more than 64/,
    );
    expect(() => splitStatus(hubStatus(1), { seq: 1, snapshotId: "x", maxFrameBytes: 1200 })).toThrow(
      StatusTooLargeError,
    );
  });

  const parts = () => splitStatus(hubStatus(200), { seq: 5, snapshotId: "a", maxFrameBytes: 32 * 1024 });

  it("rejects a part that skips ahead, then ignores the rest of that snapshot", () => {
    const p = parts();
    expect(p.length).toBeGreaterThanOrEqual(4);
    const asm = new StatusPartAssembler();
    expect(asm.accept(p[0]!)).toEqual({ kind: "pending" });
    expect(asm.accept(p[2]!)).toEqual({ kind: "rejected", reason: "part 2 of snapshot a arrived before part 1" });
    expect(asm.assembling).toBe(false);
    expect(asm.accept(p[3]!)).toEqual({ kind: "ignored" });
  });

  it("rejects a duplicate part", () => {
    const p = parts();
    const asm = new StatusPartAssembler();
    asm.accept(p[0]!);
    asm.accept(p[1]!);
    expect(asm.accept(p[1]!)).toEqual({ kind: "rejected", reason: "part 1 of snapshot a is a duplicate" });
    expect(asm.accept(p[0]!)).toEqual({ kind: "ignored" });
    const again = new StatusPartAssembler();
    again.accept(p[0]!);
    expect(again.accept(p[0]!)).toEqual({ kind: "rejected", reason: "part 0 of snapshot a is a duplicate" });
  });

  it("rejects a part without its part 0 and a part of another snapshot", () => {
    const p = parts();
    expect(new StatusPartAssembler().accept(p[1]!)).toEqual({
      kind: "rejected",
      reason: "part 1 of snapshot a arrived without its part 0",
    });
    const asm = new StatusPartAssembler();
    asm.accept(p[0]!);
    expect(asm.accept({ ...p[1]!, snapshotId: "b" })).toMatchObject({
      kind: "rejected",
      reason: "part 1 of snapshot b arrived while a is assembled",
    });
  });

  it("rejects a part that disagrees with part 0 on count or seq", () => {
    const p = parts();
    const asm = new StatusPartAssembler();
    asm.accept(p[0]!);
    expect(asm.accept({ ...p[1]!, seq: 6 })).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/disagrees/),
    });
  });

  it("expires a snapshot not completed in time and frees it", () => {
    let now = 0;
    const p = parts();
    const asm = new StatusPartAssembler({ ttlMs: 1000, clock: () => now });
    asm.accept(p[0]!);
    now = 1001;
    expect(asm.accept(p[1]!)).toMatchObject({ kind: "rejected", reason: expect.stringMatching(/expired/) });
    expect(asm.accept({ ...p[0]!, snapshotId: "a2" })).toEqual({ kind: "pending" });
    now = 2500;
    expect(asm.expire()).toBe(true);
    expect(asm.assembling).toBe(false);
  });

  it("rejects a snapshot whose parts add up to more rows than a list may hold", () => {
    const row = SAMPLE_STATUS.nhrpCache[0]!;
    const half = Array.from({ length: STATUS_LIST_MAX / 2 + 1 }, () => row);
    const base = { seq: 1, snapshotId: "big", count: 3, collectedAt: SAMPLE_STATUS.collectedAt };
    const asm = new StatusPartAssembler();
    expect(asm.accept({ ...base, index: 0, rows: { nhrpCache: half } })).toEqual({ kind: "pending" });
    expect(asm.accept({ ...base, index: 1, rows: { nhrpCache: half } })).toEqual({
      kind: "rejected",
      reason: `snapshot big is oversized: nhrpCache exceeds ${STATUS_LIST_MAX} rows`,
    });
  });

  it("a new part 0 abandons the snapshot being assembled", () => {
    const p = parts();
    const q = splitStatus(hubStatus(3), { seq: 9, snapshotId: "b", maxFrameBytes: 32 * 1024 });
    const asm = new StatusPartAssembler();
    asm.accept(p[0]!);
    expect(asm.accept(q[0]!)).toEqual({ kind: "complete", seq: 9, status: hubStatus(3) });
  });

  it("the schema refuses an index past the count and more than 64 parts", () => {
    const parse = createMessageParser(AgentToConsole);
    const part = { seq: 1, snapshotId: "x", index: 2, count: 2, collectedAt: SAMPLE_STATUS.collectedAt, rows: {} };
    const r1 = parse(JSON.stringify(agentMessage("status-part", part)));
    expect(r1.ok || r1.error.message).toMatch(/payload.index: index must be below count/);
    const r2 = parse(JSON.stringify(agentMessage("status-part", { ...part, index: 0, count: 65 })));
    expect(r2.ok || r2.error.message).toMatch(/payload.count/);
  });
});
