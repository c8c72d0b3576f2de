import type { AgentToConsole, SiteStatus } from "@dmvpn/protocol";
import { SAMPLE_STATUS } from "@dmvpn/protocol/testing";
import { describe, expect, it } from "vitest";
import type { RouterDriver } from "./drivers/driver";
import { StatusReporter } from "./status-reporter";

let clock = Date.parse("2026-01-01T00:00:00Z");

/** A status whose spoke is registered with the hubs at these NBMA addresses (and knows of the others). */
function statusWith(registered: Record<string, boolean>): SiteStatus {
  clock += 1000;
  return {
    ...SAMPLE_STATUS,
    collectedAt: new Date(clock).toISOString(),
    nhs: Object.entries(registered).map(([nbma, up], i) => ({
      interface: "gre1",
      nbma,
      protocolAddress: up ? `10.255.${Math.floor(i / 250)}.${(i % 250) + 1}` : null,
      registered: up,
    })),
  };
}

/** A reporter over a router whose next statuses are given, and a link to the console that can be cut. */
function harness(options: { maxPendingEvents?: number; reportUnchanged?: () => boolean } = {}) {
  const statuses: SiteStatus[] = [];
  const sent: AgentToConsole[] = [];
  const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
  const link = { up: true };
  const driver = { collectStatus: async () => statuses.shift()! } as unknown as RouterDriver;
  const reporter = new StatusReporter({
    driver,
    intervalMs: 60_000,
    send: (m) => {
      if (link.up) sent.push(m);
      return link.up;
    },
    log: (_level, msg, fields) => void logs.push({ msg, fields }),
    ...options,
  });
  return {
    reporter,
    sent,
    logs,
    link,
    /** collect once, the router reporting `status` */
    collect: async (status: SiteStatus) => {
      statuses.push(status);
      await reporter.collect();
    },
    /** what was sent since the last call, as type + the events or nothing */
    drain: () =>
      sent.splice(0).map((m) => (m.type === "event" ? { type: m.type, events: m.payload.events } : { type: m.type })),
  };
}

describe("StatusReporter", () => {
  it("sends an unchanged status only while a change waits for confirmation, so the console sees it is fresh", async () => {
    const awaitingConfirm = { now: false };
    const h = harness({ reportUnchanged: () => awaitingConfirm.now });
    await h.collect(statusWith({ "203.0.113.1": true }));
    expect(h.drain()).toEqual([{ type: "status-snapshot" }]);
    await h.collect(statusWith({ "203.0.113.1": true }));
    expect(h.drain()).toEqual([]);
    awaitingConfirm.now = true;
    const after = statusWith({ "203.0.113.1": true });
    await h.collect(after);
    expect(h.sent).toEqual([
      expect.objectContaining({
        type: "status-delta",
        payload: { seq: 2, collectedAt: after.collectedAt, changes: {} },
      }),
    ]);
  });

  it("sends an unchanged status once per interval too, so a router whose state holds still does not look stale", async () => {
    const h = harness();
    const first = statusWith({ "203.0.113.1": true });
    await h.collect(first);
    expect(h.drain()).toEqual([{ type: "status-snapshot" }]);
    await h.collect(statusWith({ "203.0.113.1": true }));
    expect(h.drain()).toEqual([]);
    clock = Date.parse(first.collectedAt) + 60_000 - 1000; // statusWith adds a second: one interval after the snapshot
    const later = statusWith({ "203.0.113.1": true });
    await h.collect(later);
    expect(h.sent).toEqual([
      expect.objectContaining({
        type: "status-delta",
        payload: { seq: 2, collectedAt: later.collectedAt, changes: {} },
      }),
    ]);
    h.drain();
    await h.collect(statusWith({ "203.0.113.1": true }));
    expect(h.drain()).toEqual([]);
  });

  it("sends the status change before the event it implies", async () => {
    const h = harness();
    await h.collect(statusWith({ "203.0.113.1": true }));
    expect(h.drain()).toEqual([{ type: "status-snapshot" }]);
    const lost = statusWith({ "203.0.113.1": false });
    await h.collect(lost);
    expect(h.drain()).toEqual([
      { type: "status-delta" },
      {
        type: "event",
        events: [{ kind: "registration-lost", at: lost.collectedAt, hubNbma: "203.0.113.1", interface: "gre1" }],
      },
    ]);
  });

  it("keeps the events derived while the console was unreachable and sends them, in order, after the snapshot", async () => {
    const h = harness();
    await h.collect(statusWith({ "203.0.113.1": true, "203.0.113.2": true }));
    h.drain();
    h.link.up = false;
    h.reporter.disconnected();
    const lost = statusWith({ "203.0.113.1": false, "203.0.113.2": true });
    await h.collect(lost);
    const back = statusWith({ "203.0.113.1": true, "203.0.113.2": true });
    await h.collect(back);
    expect(h.sent).toEqual([]);

    h.link.up = true;
    h.reporter.resync();
    expect(h.drain()).toEqual([
      { type: "status-snapshot" },
      {
        type: "event",
        events: [
          { kind: "registration-lost", at: lost.collectedAt, hubNbma: "203.0.113.1", interface: "gre1" },
          {
            kind: "registration-up",
            at: back.collectedAt,
            hubNbma: "203.0.113.1",
            interface: "gre1",
            hubTunnelAddress: "10.255.0.1",
          },
        ],
      },
    ]);
    // delivered once
    h.reporter.resync();
    expect(h.drain()).toEqual([{ type: "status-snapshot" }]);
  });

  it("keeps only the newest events past its limit and says how many it dropped", async () => {
    const h = harness({ maxPendingEvents: 3 });
    const hubs = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5"];
    await h.collect(statusWith(Object.fromEntries(hubs.map((n) => [n, true]))));
    h.drain();
    h.link.up = false;
    h.reporter.disconnected();
    await h.collect(statusWith(Object.fromEntries(hubs.map((n) => [n, false]))));
    h.link.up = true;
    h.reporter.resync();
    const [, events] = h.drain();
    expect(events).toMatchObject({ events: hubs.slice(2).map((hubNbma) => ({ kind: "registration-lost", hubNbma })) });
    expect(h.logs).toContainEqual({ msg: "events dropped while the console was unreachable", fields: { dropped: 2 } });
  });

  it("splits more events than one message may carry into several messages", async () => {
    const h = harness();
    const hubs = Array.from({ length: 1500 }, (_, i) => `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`);
    await h.collect(statusWith(Object.fromEntries(hubs.map((n) => [n, true]))));
    h.drain();
    await h.collect(statusWith(Object.fromEntries(hubs.map((n) => [n, false]))));
    const sent = h.drain();
    expect(sent.map((m) => [m.type, "events" in m ? m.events?.length : 0])).toEqual([
      ["status-delta", 0],
      ["event", 1000],
      ["event", 500],
    ]);
  });
});
