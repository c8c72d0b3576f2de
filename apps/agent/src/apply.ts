import {
  type AgentMessage,
  type AgentToConsole,
  agentMessage,
  type ConsoleMessage,
  fitAgentMessage,
  fitText,
  lostAllHubs,
  type SiteStatus,
  TEXT_LIMITS,
} from "@dmvpn/protocol";
import type { RouterDriver } from "./drivers/driver";
import { type Logger, silentLogger, timedStep } from "./log";
import type { AgentState, PendingDeployment } from "./state-store";

type ApplyPayload = ConsoleMessage<"apply">["payload"];
export type ApplyResultPayload = AgentMessage<"apply-result">["payload"];

export interface StateStoreLike {
  load(): Promise<AgentState>;
  save(state: AgentState): Promise<void>;
}

export interface CommitConfirmOptions {
  driver: RouterDriver;
  store: StateStoreLike;
  /** returns false when not connected; the message is then kept in the persistent outbox */
  send: (message: AgentToConsole) => boolean;
  now?: () => number;
  /** how long after an apply a spoke may stay unregistered with every hub before that counts as failure */
  registrationGraceMs?: number;
  log?: Logger;
  /** runs a change of the router (apply, rollback) exclusively, e.g. with status collection paused */
  whileChanging?: <T>(fn: () => Promise<T>) => Promise<T>;
}

const TARGETS_BY_PLATFORM: Record<RouterDriver["platform"], readonly string[]> = {
  "frr-linux": ["frr"],
  "vyos-1.4": ["vyos-1.4"],
  "vyos-1.5": ["vyos-1.5"],
  "cisco-ios": ["cisco-ios"],
  sim: ["frr", "vyos-1.4", "vyos-1.5"],
};

export const ROLLBACK_REASONS = {
  timeout: (s: number) => `no confirmation within ${s} s`,
  restart: "agent restarted before the deployment was confirmed",
  registration: "lost NHRP registration with every hub after the change",
} as const;

/**
 * Commit-confirm: save the running config, apply, report, and roll back unless the console confirms in time.
 * Pending state is on disk before the driver touches the router, so a crash at any point rolls back on restart.
 * All operations run one at a time through `serial`.
 */
export class CommitConfirm {
  private state: AgentState = { pending: null, lastConfirmed: null, outbox: [] };
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private lastStatus: SiteStatus | null = null;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly options: CommitConfirmOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? silentLogger;
  }

  get pending(): PendingDeployment | null {
    return this.state.pending;
  }

  get lastConfirmed() {
    return this.state.lastConfirmed;
  }

  /** Load state; a deployment left pending by a previous run is rolled back. */
  init(): Promise<void> {
    return this.serial(async () => {
      this.state = await this.options.store.load();
      if (this.state.pending) {
        this.log("warn", "rolling back a deployment left pending by a previous run", {
          deploymentId: this.state.pending.deploymentId,
        });
        await this.rollbackNow(ROLLBACK_REASONS.restart);
      }
    });
  }

  handleApply(payload: ApplyPayload): Promise<ApplyResultPayload> {
    return this.serial(() => this.apply(payload));
  }

  handleConfirm(deploymentId: string): Promise<{ ok: true } | { ok: false; message: string }> {
    return this.serial(async () => {
      const pending = this.state.pending;
      if (pending?.deploymentId === deploymentId && pending.applied) {
        this.clearTimer();
        await this.options.driver.confirm?.();
        this.state.lastConfirmed = { deploymentId, contentHash: pending.contentHash };
        this.state.pending = null;
        await this.persist();
        this.log("info", "deployment confirmed", { deploymentId, afterApplyMs: this.now() - pending.appliedAt });
        return { ok: true as const };
      }
      if (this.state.lastConfirmed?.deploymentId === deploymentId) return { ok: true as const };
      return { ok: false as const, message: `no deployment ${deploymentId} is waiting for confirmation` };
    });
  }

  /** Called with every collected status; detects a spoke cut off from all hubs by the new config. */
  observeStatus(status: SiteStatus): void {
    this.lastStatus = status;
    const pending = this.state.pending;
    if (!pending?.applied || !pending.wasRegistered) return;
    const grace = this.options.registrationGraceMs ?? 30_000;
    if (this.now() - pending.appliedAt < grace || !lostAllHubs(status)) return;
    void this.serial(async () => {
      if (this.state.pending?.deploymentId === pending.deploymentId)
        await this.rollbackNow(ROLLBACK_REASONS.registration);
    });
  }

  /** Deliver results that could not be sent while disconnected (rollbacks after a restart or an outage). */
  flushOutbox(): Promise<void> {
    return this.serial(async () => {
      if (!this.state.outbox.length) return;
      const remaining: AgentToConsole[] = [];
      for (const m of this.state.outbox) if (remaining.length || !this.options.send(m)) remaining.push(m);
      this.state.outbox = remaining;
      await this.persist();
    });
  }

  dispose(): void {
    this.clearTimer();
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private async apply(p: ApplyPayload): Promise<ApplyResultPayload> {
    const base = { deploymentId: p.deploymentId, contentHash: p.contentHash };
    const driver = this.options.driver;
    if (!TARGETS_BY_PLATFORM[driver.platform].includes(p.target)) {
      return {
        outcome: "failed",
        ...base,
        error: `this agent drives ${driver.platform} and cannot apply ${p.target} config`,
      };
    }
    const pending = this.state.pending;
    if (pending) {
      if (pending.deploymentId === p.deploymentId && pending.contentHash === p.contentHash) {
        return { outcome: "applied", ...base, confirmBy: new Date(pending.confirmBy).toISOString() };
      }
      return {
        outcome: "failed",
        ...base,
        error: `deployment ${pending.deploymentId} is still waiting for confirmation`,
      };
    }
    if (this.state.lastConfirmed?.contentHash === p.contentHash) return { outcome: "unchanged", ...base };

    const step = <T>(name: string, fn: () => Promise<T>) =>
      timedStep(this.log, `apply ${name}`, { deploymentId: p.deploymentId }, fn);
    const startedAt = this.now();
    this.log("info", "apply started", { deploymentId: p.deploymentId, files: p.files.map((f) => f.name) });
    const failure = await this.changing(async () => {
      const saved = await step("save running config", () => driver.readRunningConfig());
      const now = this.now();
      this.state.pending = {
        deploymentId: p.deploymentId,
        revision: p.revision,
        contentHash: p.contentHash,
        saved,
        wasRegistered: this.lastStatus ? this.lastStatus.nhs.some((n) => n.registered) : false,
        appliedAt: now,
        confirmBy: now + p.confirmWindowSeconds * 1000,
        applied: false,
      };
      await this.persist();
      try {
        await step("driver apply", () => driver.applyConfig(p.files, { confirmWindowSeconds: p.confirmWindowSeconds }));
        return null;
      } catch (e) {
        let error = e instanceof Error ? e.message : String(e);
        this.log("warn", "apply failed, restoring the saved config", { deploymentId: p.deploymentId });
        try {
          await step("restore saved config", () => driver.rollback(saved));
        } catch (re) {
          this.log("error", "restoring the saved config failed", { error: (re as Error).message });
          // The router may now run neither config: the operator must hear it, not only the agent's log.
          error = `${fitText(error, TEXT_LIMITS.applyError / 2)}\nrestoring the saved config failed: ${(re as Error).message}`;
        }
        this.state.pending = null;
        await this.persist();
        return error;
      }
    });
    if (failure !== null) return { outcome: "failed", ...base, error: fitText(failure, TEXT_LIMITS.applyError) };
    const changed = this.state.pending;
    if (!changed) throw new Error("internal: the applied deployment is no longer pending");
    const applied = { ...changed, applied: true, appliedAt: this.now() };
    applied.confirmBy = applied.appliedAt + p.confirmWindowSeconds * 1000;
    this.state.pending = applied;
    await this.persist();
    this.startTimer(applied, p.confirmWindowSeconds);
    this.log("info", "deployment applied, waiting for confirmation", {
      deploymentId: p.deploymentId,
      ms: this.now() - startedAt,
      confirmWindowSeconds: p.confirmWindowSeconds,
    });
    return { outcome: "applied", ...base, confirmBy: new Date(applied.confirmBy).toISOString() };
  }

  private startTimer(pending: PendingDeployment, windowSeconds: number): void {
    this.clearTimer();
    this.timer = setTimeout(
      () => {
        void this.serial(async () => {
          if (this.state.pending?.deploymentId === pending.deploymentId) {
            await this.rollbackNow(ROLLBACK_REASONS.timeout(windowSeconds));
          }
        });
      },
      Math.max(0, pending.confirmBy - this.now()),
    );
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async rollbackNow(reason: string): Promise<void> {
    const pending = this.state.pending;
    if (!pending) return;
    this.clearTimer();
    this.log("warn", "rolling back", { deploymentId: pending.deploymentId, reason });
    let finalReason = reason;
    try {
      await this.changing(() =>
        timedStep(this.log, "rollback", { deploymentId: pending.deploymentId }, () =>
          this.options.driver.rollback(pending.saved),
        ),
      );
    } catch (e) {
      finalReason = `${reason}; restoring the saved config failed: ${(e as Error).message}`;
    }
    this.state.pending = null;
    const at = new Date(this.now()).toISOString();
    this.deliver(
      agentMessage("apply-result", {
        outcome: "rolled-back",
        deploymentId: pending.deploymentId,
        contentHash: pending.contentHash,
        reason: finalReason,
      }),
    );
    this.deliver(
      agentMessage("event", {
        events: [{ kind: "rollback", at, deploymentId: pending.deploymentId, reason: finalReason }],
      }),
    );
    await this.persist();
  }

  /** Fitted to the protocol first: the outbox is persisted and re-read with the same schema. */
  private deliver(raw: AgentToConsole): void {
    const fitted = fitAgentMessage(raw);
    if (!fitted.ok) {
      this.log("error", "dropping a result that does not fit the protocol", { error: fitted.error });
      return;
    }
    const message = fitted.message;
    if (this.state.outbox.length || !this.options.send(message)) this.state.outbox.push(message);
  }

  private changing<T>(fn: () => Promise<T>): Promise<T> {
    return this.options.whileChanging ? this.options.whileChanging(fn) : fn();
  }

  private persist(): Promise<void> {
    return this.options.store.save(this.state);
  }
}
