/**
 * Status messages carry a monotonic `seq`. A snapshot resets the receiver; a delta applies only on top of the
 * message right before it. Anything else means frames were lost and the receiver asks for a snapshot.
 */
export type SequenceVerdict = "in-order" | "gap" | "stale";

export function checkSequence(lastSeq: number | null, seq: number): SequenceVerdict {
  if (lastSeq === null) return "gap";
  if (seq === lastSeq + 1) return "in-order";
  return seq <= lastSeq ? "stale" : "gap";
}

/** Receiver-side bookkeeping for one agent connection. */
export class StatusSequenceTracker {
  private last: number | null = null;

  get lastSeq(): number | null {
    return this.last;
  }

  /** Record a snapshot: always accepted. */
  snapshot(seq: number): void {
    this.last = seq;
  }

  /** Returns the verdict; only "in-order" deltas advance the tracker. After a gap, wait for a snapshot. */
  delta(seq: number): SequenceVerdict {
    const verdict = checkSequence(this.last, seq);
    if (verdict === "in-order") this.last = seq;
    else if (verdict === "gap") this.last = null;
    return verdict;
  }
}
