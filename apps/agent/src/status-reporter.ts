import {
  type AgentToConsole,
  agentMessage,
  deriveEvents,
  diffStatus,
  isEmptyDelta,
  type SiteStatus,
} from "@dmvpn/protocol";
import type { RouterDriver } from "./drivers/driver";
import { type Logger, silentLogger } from "./log";

export interface StatusReporterOptions {
  driver: RouterDriver;
  intervalMs: number;
  send: (message: AgentToConsole) => boolean;
  onStatus?: (status: SiteStatus) => void;
  log?: Logger;
}

/**
 * Collects status every interval; while connected sends a snapshot first, then deltas with a monotonic `seq`, and
 * events derived from consecutive statuses. Collection continues while disconnected (commit-confirm watches it).
 */
export class StatusReporter {
  private seq = 0;
  private last: SiteStatus | null = null;
  /** the status the console has (snapshot + deltas on this connection), null = needs a snapshot */
  private consoleView: SiteStatus | null = null;
  private timer: NodeJS.Timeout | null = null;
  private collecting = false;
  private readonly log: Logger;

  constructor(private readonly options: StatusReporterOptions) {
    this.log = options.log ?? silentLogger;
  }

  start(): void {
    void this.collect();
    this.timer = setInterval(() => void this.collect(), this.options.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Connection (re)established or the console saw a gap: the next report is a full snapshot. */
  resync(): void {
    this.consoleView = null;
    if (this.last) this.sendSnapshot(this.last);
  }

  disconnected(): void {
    this.consoleView = null;
  }

  async collect(): Promise<void> {
    if (this.collecting) return;
    this.collecting = true;
    try {
      const status = await this.options.driver.collectStatus();
      const prev = this.last;
      this.last = status;
      this.options.onStatus?.(status);
      if (prev) {
        const events = deriveEvents(prev, status);
        if (events.length && this.consoleView) this.options.send(agentMessage("event", { events }));
      }
      if (!this.consoleView) {
        this.sendSnapshot(status);
        return;
      }
      const delta = diffStatus(this.consoleView, status);
      if (isEmptyDelta(delta)) return;
      if (this.options.send(agentMessage("status-delta", { seq: ++this.seq, ...delta }))) this.consoleView = status;
      else this.consoleView = null;
    } catch (e) {
      this.log("warn", "status collection failed", { error: (e as Error).message });
    } finally {
      this.collecting = false;
    }
  }

  private sendSnapshot(status: SiteStatus): void {
    if (this.options.send(agentMessage("status-snapshot", { seq: ++this.seq, status }))) this.consoleView = status;
  }
}
