import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { outageAfter, type PingReply, parsePingReplies } from "./ping-log";

const captured = (name: string) => readFileSync(join(import.meta.dirname, "../../captures/ping", name), "utf8");

describe("parsePingReplies", () => {
  it("reads the replies of a real `ping -D -O` across a link taken down, and nothing of the lost requests", () => {
    // lab VM: the peer's link went down after icmp_seq=11 and came back too late for this ping's -w 6
    const replies = parsePingReplies(captured("link-down-no-recovery.txt"));
    expect(replies.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(replies[0]).toEqual({ seq: 1, at: 1796599223.584212 });
    // the link went down at 1796599226.361 (VM clock): no reply came back after it
    expect(outageAfter(replies, 1796599226.361)).toBeUndefined();
  });
});

describe("outageAfter on real hub deaths (console lab, run of 23:22)", () => {
  it("fast BGP timers: hub1's port down at 1796601242.852, spoke1 → spoke2 LAN replies again 14.9 s later", () => {
    const o = outageAfter(parsePingReplies(captured("hub1-death-fast-timers.txt")), 1796601242.852);
    expect(o?.lastBefore?.seq).toBe(3);
    expect(o?.firstAfter.seq).toBe(76);
    expect(o?.lost).toBe(72);
    expect(o?.recoveredAfterS).toBeCloseTo(14.903, 3);
    expect(o?.repliesSince).toBe(12);
  });

  it("default timers: replies again 24.8 s after the death, and then the ping (with -w) ended at an ICMP error", () => {
    const text = captured("hub1-death-default-timers-deadline.txt");
    const o = outageAfter(parsePingReplies(text), 1796600697.151);
    expect(o?.firstAfter.seq).toBe(122);
    expect(o?.lost).toBe(118);
    expect(o?.recoveredAfterS).toBeCloseTo(24.831, 3);
    // only 4 replies after the outage: the ping stopped at "Destination Host Unreachable" (why the lab uses -c)
    expect(o?.repliesSince).toBe(4);
    expect(text).toContain("Destination Host Unreachable");
  });
});

describe("outageAfter", () => {
  // one request every 0.2 s, replies 10 ms later, except those in `lost`
  const series = (count: number, lost: Set<number>): PingReply[] =>
    Array.from({ length: count }, (_, i) => ({ seq: i + 1, at: 100 + i * 0.2 + 0.01 })).filter((r) => !lost.has(r.seq));

  it("measures from the event to the first reply after the longest run of losses", () => {
    const lost = new Set([4, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    const o = outageAfter(series(60, lost), 103.7);
    expect(o?.lastBefore?.seq).toBe(19);
    expect(o?.firstAfter.seq).toBe(30);
    expect(o?.lost).toBe(10);
    expect(o?.recoveredAfterS).toBeCloseTo(100 + 29 * 0.2 + 0.01 - 103.7, 6);
    expect(o?.repliesSince).toBe(30);
  });

  it("counts from the first request when the ping started after the event", () => {
    const o = outageAfter(series(30, new Set([1, 2, 3, 4, 5])), 99.5);
    expect(o?.lastBefore).toBeUndefined();
    expect(o?.firstAfter.seq).toBe(6);
    expect(o?.lost).toBe(5);
  });

  it("says nothing while nothing was lost after the event (the path did not depend on what failed)", () => {
    expect(outageAfter(series(30, new Set([2])), 101)).toBeUndefined();
  });
});
