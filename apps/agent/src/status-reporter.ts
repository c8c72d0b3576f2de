import {
  type AgentToConsole,
  agentMessage,
  applyDelta,
  deriveEvents,
  diffStatus,
  isEmptyDelta,
  MAX_MESSAGE_BYTES,
  type SiteEvent,
  type SiteStatus,
  type StatusDelta,
  StatusTooLargeError,
  splitStatus,
} from "@dmvpn/protocol";
import { CollectionScheduler } from "./collection-scheduler";
import type { RouterDriver } from "./drivers/driver";
import { type Logger, silentLogger } from "./log";

/** the protocol's limit per event message */
const EVENTS_PER_MESSAGE = 1000;

export interface StatusReporterOptions {
  driver: RouterDriver;
  intervalMs: number;
  /** the wait after a slow collection is at least this many times its duration (see CollectionScheduler) */
  slowFactor?: number;
  maxIntervalMs?: number;
  /** collect at the plain interval while this says yes (see CollectionScheduler) */
  hurry?: () => boolean;
  send: (message: AgentToConsole) => boolean;
  onStatus?: (status: SiteStatus) => void;
  log?: Logger;
  /** events kept while the console is unreachable; past this the oldest are dropped */
  maxPendingEvents?: number;
  /**
   * True while an unchanged status must be reported too (a change waiting for confirmation): the console confirms
   * a spoke only on a status collected after the change, and a spoke that stayed registered through it changes
   * nothing, so without an empty delta it would never be confirmed.
   */
  reportUnchanged?: () => boolean;
  /** the console's frame limit: a bigger snapshot goes out in parts, a bigger delta as a snapshot */
  maxFrameBytes?: number;
  /**
   * A delta whose counters alone (traffic, ages, countdowns) would carry more rows than this leaves them out: on a
   * hub every SA's byte count moves between two collections, and the delta would be the whole status each time.
   */
  maxCounterRows?: number;
  /** counters left out of deltas are sent in full at least this often */
  counterRefreshMs?: number;
}

const upsertRows = (delta: StatusDelta) =>
  Object.values(delta.changes).reduce((n, c) => n + (c?.upsert?.length ?? 0), 0);

/**
 * Collects status every interval; while connected sends a snapshot first, then deltas with a monotonic `seq`, and
 * events derived from consecutive statuses. Collection continues while disconnected (commit-confirm watches it),
 * and the events derived meanwhile are sent after the snapshot on reconnect: a spoke that lost its WAN usually lost
 * the console too, and "hub1 lost at 03:12" is what the engineer wants to read afterwards.
 */
export class StatusReporter {
  private seq = 0;
  private last: SiteStatus | null = null;
  /** the status the console has (snapshot + deltas on this connection), null = needs a snapshot */
  private consoleView: SiteStatus | null = null;
  /** collectedAt (ms) of the last status the console was sent */
  private lastSentCollectedAt = 0;
  /** collectedAt (ms) of the last status the console got with every counter current */
  private lastCountersAt = 0;
  private snapshots = 0;
  private readonly scheduler: CollectionScheduler;
  /** derived but not yet delivered, oldest first */
  private pendingEvents: SiteEvent[] = [];
  private droppedEvents = 0;
  private readonly log: Logger;

  constructor(private readonly options: StatusReporterOptions) {
    this.log = options.log ?? silentLogger;
    this.scheduler = new CollectionScheduler({
      run: () => this.collectOnce(),
      intervalMs: options.intervalMs,
      slowFactor: options.slowFactor,
      maxIntervalMs: options.maxIntervalMs,
      hurry: options.hurry,
      onSlow: ({ durationMs, nextInMs }) =>
        this.log("info", "status collection was slow, waiting longer", { durationMs, nextInMs }),
    });
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
  }

  /** Runs `fn` (an apply, a rollback) with status collection paused; collects once it is done. */
  pausedDuring<T>(fn: () => Promise<T>): Promise<T> {
    return this.scheduler.pausedDuring(fn);
  }

  /** Connection (re)established or the console saw a gap: the next report is a full snapshot. */
  resync(): void {
    this.consoleView = null;
    if (this.last) this.sendSnapshot(this.last);
    this.sendPendingEvents();
  }

  disconnected(): void {
    this.consoleView = null;
  }

  /** Collect now, or as soon as the running collection or a pause ends: never two at once. */
  collect(): Promise<void> {
    return this.scheduler.runNow();
  }

  private async collectOnce(): Promise<void> {
    try {
      const status = await this.options.driver.collectStatus();
      const prev = this.last;
      this.last = status;
      this.options.onStatus?.(status);
      if (prev) this.queueEvents(deriveEvents(prev, status));
      // status first, then the events: whoever reads an event finds the status that shows it
      if (!this.consoleView) this.sendSnapshot(status);
      else this.sendDelta(this.consoleView, status);
      this.sendPendingEvents();
    } catch (e) {
      this.log("warn", "status collection failed", { error: (e as Error).message });
    }
  }

  private queueEvents(events: SiteEvent[]): void {
    this.pendingEvents.push(...events);
    const excess = this.pendingEvents.length - (this.options.maxPendingEvents ?? 5000);
    if (excess > 0) {
      this.pendingEvents.splice(0, excess);
      this.droppedEvents += excess;
    }
  }

  private sendPendingEvents(): void {
    if (!this.consoleView) return;
    if (this.droppedEvents) {
      this.log("warn", "events dropped while the console was unreachable", { dropped: this.droppedEvents });
      this.droppedEvents = 0;
    }
    while (this.pendingEvents.length) {
      const events = this.pendingEvents.slice(0, EVENTS_PER_MESSAGE);
      if (!this.options.send(agentMessage("event", { events }))) return;
      this.pendingEvents.splice(0, events.length);
    }
  }

  private sendDelta(view: SiteStatus, status: SiteStatus): void {
    const at = Date.parse(status.collectedAt);
    let delta = diffStatus(view, status);
    let withCounters = true;
    const countersDue = at - this.lastCountersAt >= (this.options.counterRefreshMs ?? 300_000);
    if (!countersDue && upsertRows(delta) > (this.options.maxCounterRows ?? 200)) {
      delta = diffStatus(view, status, { ignoreCounters: true });
      withCounters = false;
    }
    // An unchanged status still goes out once per interval (an empty delta, a few bytes): the console judges a
    // report stale by its age, and a router whose state holds still (IOS prints no counters) is not stale.
    const due = at - this.lastSentCollectedAt >= this.options.intervalMs;
    if (isEmptyDelta(delta) && !due && !this.options.reportUnchanged?.()) return;
    const message = agentMessage("status-delta", { seq: this.seq + 1, ...delta });
    // more changed at once than a frame holds (a hub whose spokes all came back): a snapshot says it in parts
    if (frameBytes(message) > this.maxFrameBytes) {
      this.sendSnapshot(status);
      return;
    }
    this.seq++;
    if (!this.options.send(message)) {
      this.consoleView = null;
      return;
    }
    // the console's copy: changed rows current, unchanged rows with the counters it had
    this.consoleView = withCounters ? status : applyDelta(view, delta);
    this.lastSentCollectedAt = at;
    if (withCounters) this.lastCountersAt = at;
  }

  private get maxFrameBytes(): number {
    return this.options.maxFrameBytes ?? MAX_MESSAGE_BYTES;
  }

  /** One snapshot message, or (bigger than a frame) its parts in order; none sent if the link dropped meanwhile. */
  private sendSnapshot(status: SiteStatus): void {
    const seq = ++this.seq;
    const whole = agentMessage("status-snapshot", { seq, status });
    let messages: AgentToConsole[] = [whole];
    if (frameBytes(whole) > this.maxFrameBytes) {
      try {
        const snapshotId = `${seq}-${++this.snapshots}-${Date.now().toString(36)}`;
        messages = splitStatus(status, { seq, snapshotId, maxFrameBytes: this.maxFrameBytes }).map((part) =>
          agentMessage("status-part", part),
        );
      } catch (e) {
        if (!(e instanceof StatusTooLargeError)) throw e;
        this.log("error", "the status is too large to report", { error: e.message });
        return;
      }
    }
    for (const m of messages) {
      if (!this.options.send(m)) {
        this.consoleView = null; // cut off halfway: the next report is a whole snapshot again
        return;
      }
    }
    this.sent(status);
  }

  private sent(status: SiteStatus): void {
    this.consoleView = status;
    this.lastSentCollectedAt = Date.parse(status.collectedAt);
    this.lastCountersAt = this.lastSentCollectedAt;
  }
}

function frameBytes(message: AgentToConsole): number {
  return Buffer.byteLength(JSON.stringify(message), "utf8");
}
