/**
 * A continuous `ping -n -D -O -i 0.2 …` across a hub's death (failover phases): iputils prints each reply with
 * its receive time (`-D`, seconds since the epoch on the VM's clock) and its icmp_seq, and `-O` a line for each
 * request still unanswered when the next one goes. The outage is read from which sequence numbers never came
 * back and when replies resumed.
 */

export interface PingReply {
  seq: number;
  /** receive time, seconds since the epoch (VM clock) */
  at: number;
}

const REPLY = /^\[(\d+\.\d+)\] \d+ bytes from \S+: icmp_seq=(\d+) /;

export function parsePingReplies(text: string): PingReply[] {
  const replies: PingReply[] = [];
  for (const line of text.split("\n")) {
    const m = REPLY.exec(line);
    if (m) replies.push({ at: Number(m[1]), seq: Number(m[2]) });
  }
  return replies;
}

export interface PingOutage {
  /** the last reply received before the event (none when the ping started after it) */
  lastBefore: PingReply | undefined;
  /** the first reply after the longest run of lost requests that began after the event */
  firstAfter: PingReply;
  /** requests in that run that never got a reply */
  lost: number;
  /** seconds from the event to firstAfter */
  recoveredAfterS: number;
  /** replies received after firstAfter (traffic flowing again, not one lucky packet) */
  repliesSince: number;
}

/**
 * The outage caused by an event at `eventAt` (VM clock): the longest run of consecutive sequence numbers without a
 * reply, among those sent after the last reply before the event (from the first request when none came before).
 * `undefined` while nothing was lost after the event, or replies have not resumed yet.
 */
export function outageAfter(replies: PingReply[], eventAt: number): PingOutage | undefined {
  const bySeq = [...replies].sort((a, b) => a.seq - b.seq);
  const lastBefore = bySeq.filter((r) => r.at <= eventAt).at(-1);
  const after = bySeq.filter((r) => r.seq > (lastBefore?.seq ?? 0));
  let best: { to: PingReply; lost: number } | undefined;
  let previousSeq = lastBefore?.seq ?? 0;
  for (const r of after) {
    const lost = r.seq - previousSeq - 1;
    if (lost > 0 && (!best || lost > best.lost)) best = { to: r, lost };
    previousSeq = r.seq;
  }
  if (!best) return undefined;
  const firstAfter = best.to;
  return {
    lastBefore,
    firstAfter,
    lost: best.lost,
    recoveredAfterS: firstAfter.at - eventAt,
    repliesSince: after.filter((r) => r.seq > firstAfter.seq).length,
  };
}
