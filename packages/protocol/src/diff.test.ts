import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveEvents, lostAllHubs } from "./derive-events";
import { applyDelta, diffStatus, isEmptyDelta } from "./diff";
import { checkSequence, StatusSequenceTracker } from "./sequence";
import { emptySiteStatus, type SiteStatus } from "./status";
import { hubStatus, tickHubStatus } from "./testing/hub-status";
import { SAMPLE_STATUS } from "./testing/samples";

const later = (s: SiteStatus, patch: Partial<SiteStatus>): SiteStatus => ({
  ...s,
  collectedAt: "2025-01-01T00:01:00.000Z",
  ...patch,
});

describe("diffStatus / applyDelta", () => {
  it("reports nothing when only the clock moved", () => {
    expect(isEmptyDelta(diffStatus(SAMPLE_STATUS, later(SAMPLE_STATUS, {})))).toBe(true);
  });

  it("lists changed rows and removed keys", () => {
    const next = later(SAMPLE_STATUS, {
      shortcuts: [],
      bgpNeighbors: [{ ...SAMPLE_STATUS.bgpNeighbors[0]!, state: "Active" }],
    });
    const delta = diffStatus(SAMPLE_STATUS, next);
    expect(delta.changes).toEqual({
      shortcuts: { remove: ["192.168.12.0/24"] },
      bgpNeighbors: { upsert: [next.bgpNeighbors[0]] },
    });
    expect(applyDelta(SAMPLE_STATUS, delta)).toEqual(next);
  });

  it("property: applyDelta(prev, diffStatus(prev, next)) equals next up to row order", () => {
    const bgp = fc.record({
      address: fc.constantFrom("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"),
      remoteAs: fc.constantFrom(65000, 65001, null),
      state: fc.constantFrom("Established", "Active", "Idle"),
      prefixesReceived: fc.option(fc.nat(10)),
      uptimeSeconds: fc.option(fc.nat(1000)),
    });
    const nhs = fc.record({
      interface: fc.constant("gre1"),
      nbma: fc.constantFrom("203.0.113.1", "203.0.113.2"),
      protocolAddress: fc.option(fc.constant("10.255.0.1")),
      registered: fc.boolean(),
    });
    const status = fc
      .record({
        bgpNeighbors: fc.uniqueArray(bgp, { selector: (b) => b.address }),
        nhs: fc.uniqueArray(nhs, { selector: (n) => n.nbma }),
      })
      .map((p) => ({ ...emptySiteStatus("2025-01-01T00:00:00.000Z"), ...p }));
    const sortRows = (s: SiteStatus) => ({
      ...s,
      bgpNeighbors: [...s.bgpNeighbors].sort((a, b) => a.address.localeCompare(b.address)),
      nhs: [...s.nhs].sort((a, b) => a.nbma.localeCompare(b.nbma)),
    });
    fc.assert(
      fc.property(status, status, (prev, next) => {
        expect(sortRows(applyDelta(prev, diffStatus(prev, next)))).toEqual(sortRows(next));
      }),
    );
  });
});

describe("deriveEvents", () => {
  it("sees registration lost and regained", () => {
    const lost = later(SAMPLE_STATUS, {
      nhs: [{ ...SAMPLE_STATUS.nhs[0]!, registered: false, protocolAddress: null }],
    });
    expect(deriveEvents(SAMPLE_STATUS, lost)).toEqual([
      { kind: "registration-lost", at: lost.collectedAt, hubNbma: "203.0.113.1", interface: "gre1" },
    ]);
    expect(deriveEvents(lost, SAMPLE_STATUS).map((e) => e.kind)).toEqual(["registration-up"]);
    expect(lostAllHubs(lost)).toBe(true);
    expect(lostAllHubs(SAMPLE_STATUS)).toBe(false);
    expect(lostAllHubs(emptySiteStatus(SAMPLE_STATUS.collectedAt))).toBe(false);
  });

  it("sees shortcuts, IKE SAs and BGP sessions come and go", () => {
    const next = later(SAMPLE_STATUS, {
      shortcuts: [{ type: "dynamic", prefix: "192.168.13.0/24", via: "10.255.0.13", identity: null }],
      ipsecSas: [],
      bgpNeighbors: [{ ...SAMPLE_STATUS.bgpNeighbors[0]!, state: "Idle" }],
    });
    expect(deriveEvents(SAMPLE_STATUS, next)).toEqual([
      { kind: "shortcut-up", at: next.collectedAt, prefix: "192.168.13.0/24", via: "10.255.0.13" },
      { kind: "shortcut-down", at: next.collectedAt, prefix: "192.168.12.0/24" },
      { kind: "sa-down", at: next.collectedAt, name: "dmvpn", uniqueId: "3", remoteHost: "203.0.113.1" },
      { kind: "bgp-state-change", at: next.collectedAt, neighbor: "10.255.0.1", from: "Established", to: "Idle" },
    ]);
  });

  it("derives nothing from identical statuses", () => {
    expect(deriveEvents(SAMPLE_STATUS, later(SAMPLE_STATUS, {}))).toEqual([]);
  });
});

describe("sequence gap detection", () => {
  it("classifies sequence numbers", () => {
    expect(checkSequence(4, 5)).toBe("in-order");
    expect(checkSequence(4, 7)).toBe("gap");
    expect(checkSequence(4, 4)).toBe("stale");
    expect(checkSequence(null, 1)).toBe("gap");
  });

  it("tracker needs a snapshot after a gap", () => {
    const t = new StatusSequenceTracker();
    expect(t.delta(1)).toBe("gap");
    t.snapshot(10);
    expect(t.delta(11)).toBe("in-order");
    expect(t.delta(13)).toBe("gap");
    expect(t.delta(14)).toBe("gap");
    t.snapshot(20);
    expect(t.delta(21)).toBe("in-order");
    expect(t.lastSeq).toBe(21);
  });
});

describe("diffStatus with ignoreCounters", () => {
  it("a hub whose counters all ticked: no rows with ignoreCounters, every row without", () => {
    const before = hubStatus(500);
    const after = tickHubStatus(before, 10);
    const full = diffStatus(before, after);
    expect(full.changes.ipsecSas?.upsert).toHaveLength(500);
    expect(full.changes.nhrpCache?.upsert).toHaveLength(500);
    expect(isEmptyDelta(diffStatus(before, after, { ignoreCounters: true }))).toBe(true);
  });

  it("still sees a real change (a state, a removal) and sends the changed row with its current counters", () => {
    const before = hubStatus(50);
    const after = tickHubStatus(before, 10);
    after.ipsecSas[7] = { ...after.ipsecSas[7]!, state: "REKEYING" };
    after.nhrpCache.splice(3, 1);
    const delta = diffStatus(before, after, { ignoreCounters: true });
    expect(delta.changes.ipsecSas?.upsert).toEqual([after.ipsecSas[7]]);
    expect(delta.changes.nhrpCache).toEqual({ remove: [`gre1|${before.nhrpCache[3]!.protocolAddress}`] });
    expect(Object.keys(delta.changes).sort()).toEqual(["ipsecSas", "nhrpCache"]);
  });
});
