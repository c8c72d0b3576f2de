import {
  type AgentToConsole,
  applyDelta,
  type SiteStatus,
  type StatusPart,
  StatusPartAssembler,
} from "@dmvpn/protocol";
import { hubStatus, tickHubStatus } from "@dmvpn/protocol/testing";
import { describe, expect, it } from "vitest";
import type { RouterDriver } from "./drivers/driver";
import { StatusReporter } from "./status-reporter";

// A hub's status outgrows one frame: the reporter sends it in parts, and its deltas stay small although every
// SA's counters tick between collections. Small frames here (64 KiB) so a few hundred spokes need several parts.

const FRAME = 64 * 1024;
const frameBytes = (m: AgentToConsole) => Buffer.byteLength(JSON.stringify(m), "utf8");

/** A reporter on a hub, and a console-side replica that assembles parts and applies deltas as the gateway does. */
function hub(options: { counterRefreshMs?: number } = {}) {
  const next: SiteStatus[] = [];
  const sent: AgentToConsole[] = [];
  const reporter = new StatusReporter({
    driver: { collectStatus: async () => next.shift()! } as unknown as RouterDriver,
    intervalMs: 10_000,
    maxFrameBytes: FRAME,
    send: (m) => sent.push(m) > 0,
    ...options,
  });
  const assembler = new StatusPartAssembler();
  let replica: SiteStatus | null = null;
  return {
    sent,
    get replica() {
      return replica;
    },
    async collect(status: SiteStatus) {
      next.push(status);
      await reporter.collect();
      const out = sent.splice(0);
      for (const m of out) {
        if (m.type === "status-snapshot") replica = m.payload.status;
        if (m.type === "status-part") {
          const v = assembler.accept(m.payload as StatusPart);
          if (v.kind === "complete") replica = v.status;
          else expect(v.kind).toBe("pending");
        }
        if (m.type === "status-delta" && replica) replica = applyDelta(replica, m.payload);
      }
      return out;
    },
  };
}

describe("StatusReporter on a big hub", () => {
  it("sends a snapshot bigger than a frame as ordered parts, each under the limit, that assemble to the status", async () => {
    const h = hub();
    const status = hubStatus(400);
    const out = await h.collect(status);
    expect(out.length).toBeGreaterThan(3);
    expect(out.every((m) => m.type === "status-part")).toBe(true);
    expect(out.map((m) => (m.type === "status-part" ? m.payload.index : -1))).toEqual(out.map((_, i) => i));
    for (const m of out) expect(frameBytes(m)).toBeLessThanOrEqual(FRAME);
    expect(h.replica).toEqual(status);
  });

  it("keeps ticking counters out of deltas: an interval of traffic is a few bytes, a real change one row", async () => {
    const h = hub();
    const t0 = hubStatus(400);
    await h.collect(t0);
    const t1 = tickHubStatus(t0, 10);
    const [quiet] = await h.collect(t1);
    expect(quiet?.type).toBe("status-delta");
    expect(quiet?.type === "status-delta" && quiet.payload.changes).toEqual({});
    expect(frameBytes(quiet!)).toBeLessThan(200);

    const t2 = tickHubStatus(t1, 10);
    t2.ipsecSas[42] = { ...t2.ipsecSas[42]!, state: "DELETING" };
    const [change] = await h.collect(t2);
    expect(change?.type === "status-delta" && change.payload.changes).toEqual({
      ipsecSas: { upsert: [t2.ipsecSas[42]] },
    });
    // the console has the changed row as it is now; the others as they were, counters and all
    expect(h.replica?.ipsecSas[42]).toEqual(t2.ipsecSas[42]);
    expect(h.replica?.ipsecSas[0]).toEqual(t0.ipsecSas[0]);
  });

  it("brings every counter up to date at the refresh interval (a full report, in parts when big)", async () => {
    const h = hub({ counterRefreshMs: 60_000 });
    let s = hubStatus(400);
    await h.collect(s);
    for (let i = 0; i < 5; i++) {
      s = tickHubStatus(s, 10);
      const out = await h.collect(s);
      expect(out.map((m) => m.type)).toEqual(["status-delta"]);
    }
    s = tickHubStatus(s, 10); // 60 s after the snapshot
    const out = await h.collect(s);
    expect(out.every((m) => m.type === "status-part")).toBe(true);
    expect(h.replica).toEqual(s);
  });

  it("a small site's counters go out with every delta, as before", async () => {
    const h = hub();
    const t0 = hubStatus(3);
    await h.collect(t0);
    const t1 = tickHubStatus(t0, 10);
    const [delta] = await h.collect(t1);
    expect(delta?.type === "status-delta" && delta.payload.changes.ipsecSas?.upsert).toHaveLength(3);
    expect(h.replica).toEqual(t1);
  });

  it("more changes than a frame holds go out as a snapshot in parts instead of a delta", async () => {
    const h = hub();
    await h.collect(hubStatus(10));
    const grown = { ...hubStatus(400), collectedAt: "2026-01-01T00:00:10.000Z" };
    const out = (await h.collect(grown)).filter((m) => m.type !== "event");
    expect(out.length).toBeGreaterThan(1);
    expect(out.every((m) => m.type === "status-part")).toBe(true);
    expect(h.replica).toEqual(grown);
  });
});

describe("StatusReporter on a big hub, link lost halfway through the parts", () => {
  it("sends the whole snapshot again at the next collection instead of a delta", async () => {
    const next: SiteStatus[] = [];
    const sent: AgentToConsole[] = [];
    let budget = 2; // the link drops after two parts
    const reporter = new StatusReporter({
      driver: { collectStatus: async () => next.shift()! } as unknown as RouterDriver,
      intervalMs: 10_000,
      maxFrameBytes: FRAME,
      send: (m) => budget-- > 0 && sent.push(m) > 0,
    });
    const t0 = hubStatus(400);
    next.push(t0);
    await reporter.collect();
    expect(sent.map((m) => m.type)).toEqual(["status-part", "status-part"]);
    sent.length = 0;
    budget = 1000;
    next.push(tickHubStatus(t0, 10));
    await reporter.collect();
    expect(sent.length).toBeGreaterThan(2);
    expect(sent.every((m) => m.type === "status-part" && m.payload.seq === 2)).toBe(true);
  });
});
