import { applyDelta, checkSequence, type SiteStatus, type StatusDelta } from "@dmvpn/protocol";

export interface StoredStatus {
  seq: number;
  status: SiteStatus;
}

export type StatusReport =
  | { kind: "snapshot"; seq: number; status: SiteStatus }
  | { kind: "delta"; seq: number; delta: StatusDelta };

/**
 * What one status message does to the stored status: a snapshot replaces it; a delta applies only right after the
 * stored seq. A gap (or a delta with nothing stored) asks the agent for a snapshot; a stale delta is dropped.
 */
export function mergeStatusReport(
  stored: StoredStatus | null,
  report: StatusReport,
): { next: StoredStatus | null; verdict: "replaced" | "applied" | "gap" | "stale" } {
  if (report.kind === "snapshot") return { next: { seq: report.seq, status: report.status }, verdict: "replaced" };
  const verdict = checkSequence(stored?.seq ?? null, report.seq);
  if (verdict === "in-order" && stored) {
    return { next: { seq: report.seq, status: applyDelta(stored.status, report.delta) }, verdict: "applied" };
  }
  return { next: null, verdict: verdict === "in-order" ? "gap" : verdict };
}

/** True when the status shows the router registered with at least one hub (the spoke confirm check). */
export function registeredWithAHub(status: SiteStatus): boolean {
  return status.nhs.some((n) => n.registered);
}
