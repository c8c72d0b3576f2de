import { emptySiteStatus, type SiteStatus } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { mergeStatusReport, registeredWithAHub } from "./status-merge";

const t0 = "2030-01-01T00:00:00.000Z";
const t1 = "2030-01-01T00:00:10.000Z";
const nhs = (registered: boolean): SiteStatus["nhs"][number] => ({
  interface: "gre1",
  nbma: "203.0.113.1",
  protocolAddress: registered ? "10.255.0.1" : null,
  registered,
});

describe("mergeStatusReport", () => {
  it("a snapshot replaces whatever was stored, even an older seq", () => {
    const status = { ...emptySiteStatus(t0), nhs: [nhs(false)] };
    const r = mergeStatusReport({ seq: 9, status: emptySiteStatus(t0) }, { kind: "snapshot", seq: 1, status });
    expect(r).toEqual({ next: { seq: 1, status }, verdict: "replaced" });
  });

  it("applies an in-order delta on top of the stored status", () => {
    const stored = { seq: 4, status: { ...emptySiteStatus(t0), nhs: [nhs(false)] } };
    const r = mergeStatusReport(stored, {
      kind: "delta",
      seq: 5,
      delta: { collectedAt: t1, changes: { nhs: { upsert: [nhs(true)] } } },
    });
    expect(r.verdict).toBe("applied");
    expect(r.next?.seq).toBe(5);
    expect(r.next?.status.collectedAt).toBe(t1);
    expect(r.next?.status.nhs).toEqual([nhs(true)]);
    expect(registeredWithAHub(r.next!.status)).toBe(true);
    expect(registeredWithAHub(stored.status)).toBe(false);
  });

  it("reports a gap for a skipped seq or when nothing is stored, and drops stale deltas", () => {
    const stored = { seq: 4, status: emptySiteStatus(t0) };
    const delta = { collectedAt: t1, changes: {} };
    expect(mergeStatusReport(stored, { kind: "delta", seq: 6, delta })).toEqual({ next: null, verdict: "gap" });
    expect(mergeStatusReport(null, { kind: "delta", seq: 1, delta })).toEqual({ next: null, verdict: "gap" });
    expect(mergeStatusReport(stored, { kind: "delta", seq: 4, delta })).toEqual({ next: null, verdict: "stale" });
  });
});
