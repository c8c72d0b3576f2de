import type { PrismaClient } from "@dmvpn/db";
import {
  type AgentToConsole,
  consoleMessage,
  type DeploymentItemStatus,
  type DeploymentStatus,
  fitText,
  TEXT_LIMITS,
} from "@dmvpn/protocol";
import { maskSecretsInMessage } from "@dmvpn/render";
import type { ConsoleEvent, EventBus } from "../bus";
import type { Leases } from "../cluster/leases";
import type { AgentGateway } from "../gateway/gateway";
import { openRevisionFiles } from "./revision-files";
import { isAgentManaged } from "./site-management";
import { loadStoredStatus } from "./site-status";
import { registeredWithAHub } from "./status-merge";

export interface DeploymentRunnerOptions {
  db: PrismaClient;
  bus: EventBus;
  gateway: AgentGateway;
  /** how long a site's agent may be offline before its item fails */
  connectWaitMs?: number;
  /**
   * how long to wait for the apply result. Generous: a VyOS commit of a large config, or frr-reload.py on a small
   * CPU, takes minutes (the lab's emulated routers need about a minute); the agent's confirm window only starts
   * once the change is in, so a slow apply does not eat into it.
   */
  applyTimeoutMs?: number;
  /** confirm this long before the agent's window closes, at the latest */
  confirmMarginMs?: number;
  log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
  /**
   * Several instances (REDIS_URL): each deployment runs under a lease, so exactly one instance runs it; when that
   * instance dies, another resumes it once the lease expires instead of failing it.
   */
  leases?: Leases;
}

type Item = {
  id: string;
  siteId: string;
  wave: number;
  site: { name: string; role: string; platform: string };
  revision: { number: number; contentHash: string; target: string; files: string };
};

/**
 * How the runner's work on one site ended: the item status stored, and for a site that did not get its revision,
 * why (stored as the item's error).
 */
export type ItemOutcome =
  | { status: Extract<DeploymentItemStatus, "confirmed" | "unchanged" | "awaiting-apply"> }
  | { status: Extract<DeploymentItemStatus, "failed" | "rolled-back">; reason: string };

/** What a spoke showed after its change, before the console confirms it. */
type Registration = { kind: "registered" } | { kind: "rolled-back"; reason: string };

export const RESTART_REASON =
  "the console restarted while this site was being deployed; an unconfirmed change rolls back on the router by itself";

/**
 * Runs queued deployments one at a time in the console process: waves in order, sites of a wave in parallel,
 * stop after the first wave with a failure. Each managed site gets apply → applied → (spoke: registered with a
 * hub) → confirm → confirmed; anything else leaves the agent to roll back by itself when its window closes.
 */
export class DeploymentRunner {
  private running = false;
  private again = false;
  private stopped = false;
  private readonly offMessage: () => void;
  private readonly log: NonNullable<DeploymentRunnerOptions["log"]>;
  private idle: Promise<void> = Promise.resolve();
  private poll: NodeJS.Timeout | null = null;

  constructor(private readonly o: DeploymentRunnerOptions) {
    this.log = o.log ?? ((level, msg, f) => console[level === "info" ? "log" : level](`[deployments] ${msg}`, f ?? ""));
    // A rollback can arrive at any time, also after a console restart (from the agent's outbox).
    this.offMessage = o.gateway.onMessage((siteId, m) => {
      if (m.type === "apply-result" && m.payload.outcome === "rolled-back") {
        void this.markRolledBack(m.payload.deploymentId, siteId, m.payload.reason);
      }
    });
  }

  /** Fail what a previous process left in flight, then run what is queued. */
  async start(): Promise<void> {
    if (this.o.leases) {
      // Nothing is failed at boot: a running deployment belongs to whoever holds its lease, or to whoever takes it
      // over when the lease runs out. Polled: deployments created on another instance, leases that expired.
      this.poll = setInterval(() => this.kick(), Math.max(200, Math.floor(this.o.leases.ttlMs / 2)));
      this.poll.unref();
      this.kick();
      return;
    }
    const stale = await this.o.db.deployment.findMany({ where: { status: "running" }, select: { id: true } });
    for (const d of stale) {
      const inFlight = await this.o.db.deploymentItem.findMany({
        where: { deploymentId: d.id, status: { in: ["sent", "applied"] } },
      });
      for (const i of inFlight) await this.setItem(d.id, i.id, i.siteId, "failed", RESTART_REASON);
      await this.finish(
        d.id,
        "failed",
        inFlight.length ? RESTART_REASON : "the console restarted during the deployment",
      );
    }
    this.kick();
  }

  /** Run queued deployments (call after creating one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = this.loop()
      .catch((e: unknown) => this.log("error", "deployment runner failed", { error: (e as Error).message }))
      .finally(() => {
        this.running = false;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    this.offMessage();
  }

  /** Resolves when the runner has nothing queued (tests). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.idle;
  }

  private async loop(): Promise<void> {
    if (this.o.leases) return this.loopUnderLeases(this.o.leases);
    do {
      this.again = false;
      for (;;) {
        if (this.stopped) return;
        const next = await this.o.db.deployment.findFirst({
          where: { status: "pending" },
          orderBy: { createdAt: "asc" },
        });
        if (!next) break;
        await this.runDeployment(next.id, next.confirmWindowSeconds);
      }
    } while (this.again);
  }

  /** The oldest deployment that is queued, or running without a live lease (its runner died), whose lease this
   * instance gets; until none is left. */
  private async loopUnderLeases(leases: Leases): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        if (this.stopped) return;
        const candidates = await this.o.db.deployment.findMany({
          where: { status: { in: ["pending", "running"] } },
          orderBy: { createdAt: "asc" },
          select: { id: true, confirmWindowSeconds: true },
        });
        let ran = false;
        for (const d of candidates) {
          if (this.stopped) return;
          const held = await leases.run(`deployment:${d.id}`, async (lost) => {
            // read again under the lease: the previous holder may have finished it meanwhile
            const now = await this.o.db.deployment.findUnique({ where: { id: d.id }, select: { status: true } });
            if (now?.status === "pending" || now?.status === "running")
              await this.runDeployment(d.id, d.confirmWindowSeconds, lost);
          });
          if (held) {
            ran = true;
            break;
          }
        }
        if (!ran) break;
      }
    } while (this.again);
  }

  private async runDeployment(id: string, windowSeconds: number, lost: () => boolean = () => false): Promise<void> {
    const db = this.o.db;
    const current = await db.deployment.findUniqueOrThrow({ where: { id }, select: { status: true } });
    // Only under a lease can a running deployment come here: its runner died and this one takes it over. Sites sent
    // the change are sent it again; an agent still waiting for confirmation of it answers "applied" again.
    const resumed = current.status === "running";
    if (resumed) this.log("info", "resuming a deployment whose runner stopped", { deploymentId: id });
    else
      await db.deployment.update({
        where: { id },
        data: { status: "running" satisfies DeploymentStatus, startedAt: new Date() },
      });
    if (resumed) {
      const failed = await db.deploymentItem.findFirst({
        where: { deploymentId: id, status: { in: ["failed", "rolled-back"] } },
        include: { site: { select: { name: true } } },
      });
      if (failed) {
        await db.deploymentItem.updateMany({
          where: { deploymentId: id, status: { in: ["queued", "sent", "applied"] } },
          data: { status: "skipped" satisfies DeploymentItemStatus, error: "not deployed: an earlier wave failed" },
        });
        await this.finish(
          id,
          "failed",
          `stopped after wave ${failed.wave}: ${failed.site.name}: ${failed.error ?? ""}`,
        );
        return;
      }
    }
    const items: Item[] = await db.deploymentItem.findMany({
      where: { deploymentId: id, status: { in: resumed ? ["queued", "sent", "applied"] : ["queued"] } },
      orderBy: [{ wave: "asc" }, { id: "asc" }],
      include: {
        site: { select: { name: true, role: true, platform: true } },
        revision: { select: { number: true, contentHash: true, target: true, files: true } },
      },
    });
    const waves = [...new Set(items.map((i) => i.wave))];
    for (const wave of waves) {
      // stopped, or the lease was lost (another instance may run it now): leave the rest to whoever holds it
      if (this.stopped || lost()) return;
      const batch = items.filter((i) => i.wave === wave);
      const outcomes = await Promise.all(
        batch.map(async (item) => ({ site: item.site.name, outcome: await this.runItem(id, windowSeconds, item) })),
      );
      const failed = outcomes.find((o) => "reason" in o.outcome);
      if (failed && "reason" in failed.outcome) {
        await db.deploymentItem.updateMany({
          where: { deploymentId: id, status: "queued" },
          data: { status: "skipped" satisfies DeploymentItemStatus, error: "not deployed: an earlier wave failed" },
        });
        await this.finish(id, "failed", `stopped after wave ${wave}: ${failed.site}: ${failed.outcome.reason}`);
        return;
      }
    }
    const waiting = await db.deploymentItem.count({ where: { deploymentId: id, status: "awaiting-apply" } });
    if (waiting) {
      await this.finish(id, "awaiting-apply", `${waiting} agentless site(s) wait for an operator to mark them applied`);
    } else await this.finish(id, "succeeded", null);
  }

  private async finish(id: string, status: DeploymentStatus, summary: string | null) {
    await this.o.db.deployment.update({ where: { id }, data: { status, summary, finishedAt: new Date() } });
    this.o.bus.publish({
      type: "deployment.finished",
      deploymentId: id,
      status,
      summary,
      at: new Date().toISOString(),
    });
  }

  private async setItem(
    deploymentId: string,
    itemId: string,
    siteId: string,
    status: DeploymentItemStatus,
    error: string | null = null,
  ) {
    await this.o.db.deploymentItem.update({ where: { id: itemId }, data: { status, error } });
    this.o.bus.publish({
      type: "deployment.progress",
      deploymentId,
      siteId,
      itemStatus: status,
      error,
      at: new Date().toISOString(),
    });
  }

  private async markRolledBack(deploymentId: string, siteId: string, reason: string) {
    try {
      // Conditional: with several instances every one hears the agent's rollback; only one records it.
      const r = await this.o.db.deploymentItem.updateMany({
        where: { deploymentId, siteId, status: { notIn: ["rolled-back", "confirmed"] } },
        data: { status: "rolled-back", error: reason },
      });
      if (r.count !== 1) return;
      this.o.bus.publish({
        type: "deployment.progress",
        deploymentId,
        siteId,
        itemStatus: "rolled-back",
        error: reason,
        at: new Date().toISOString(),
      });
    } catch (e) {
      this.log("warn", "could not record a rollback", { deploymentId, error: (e as Error).message });
    }
  }

  /** Wait for an agent message or a bus event matching `pick`, or until the time is up (undefined). */
  private waitFor<T>(
    timeoutMs: number,
    pick: {
      message?: (siteId: string, m: AgentToConsole) => T | undefined;
      event?: (e: ConsoleEvent) => T | undefined;
    },
  ): Promise<T | undefined> {
    return new Promise((resolve) => {
      const done = (value: T | undefined) => {
        clearTimeout(timer);
        offMessage();
        offEvent();
        resolve(value);
      };
      const timer = setTimeout(() => done(undefined), Math.max(0, timeoutMs));
      const offMessage = this.o.gateway.onMessage((siteId, m) => {
        const v = pick.message?.(siteId, m);
        if (v !== undefined) done(v);
      });
      const offEvent = this.o.bus.subscribe((e) => {
        const v = pick.event?.(e);
        if (v !== undefined) done(v);
      });
    });
  }

  /** Deploys one site and stores how it ended. */
  private async runItem(deploymentId: string, windowSeconds: number, item: Item): Promise<ItemOutcome> {
    const outcome = await this.deployItem(deploymentId, windowSeconds, item);
    await this.setItem(deploymentId, item.id, item.siteId, outcome.status, "reason" in outcome ? outcome.reason : null);
    return outcome;
  }

  private async deployItem(deploymentId: string, windowSeconds: number, item: Item): Promise<ItemOutcome> {
    const fail = (status: "failed" | "rolled-back", reason: string): ItemOutcome => ({ status, reason });
    const ok = (status: "confirmed" | "unchanged" | "awaiting-apply"): ItemOutcome => ({ status });
    const { gateway } = this.o;
    const agent = await this.o.db.agent.findUnique({ where: { siteId: item.siteId } });
    // Nothing can push to an agentless site: its revision waits for an operator to apply it and mark it applied.
    if (!isAgentManaged(item.site.platform, agent)) return ok("awaiting-apply");

    if (!gateway.isConnected(item.siteId)) {
      const online = await this.waitFor(this.o.connectWaitMs ?? 15_000, {
        event: (e) => (e.type === "agent.online" && e.siteId === item.siteId ? true : undefined),
      });
      if (!online && !gateway.isConnected(item.siteId)) return fail("failed", "the agent is offline");
    }

    const rolledBack = (siteId: string, m: AgentToConsole) =>
      siteId === item.siteId &&
      m.type === "apply-result" &&
      m.payload.deploymentId === deploymentId &&
      m.payload.outcome === "rolled-back"
        ? m.payload.reason
        : undefined;

    await this.setItem(deploymentId, item.id, item.siteId, "sent");
    const resultP = this.waitFor(this.o.applyTimeoutMs ?? 300_000, {
      message: (siteId, m) =>
        siteId === item.siteId && m.type === "apply-result" && m.payload.deploymentId === deploymentId ? m : undefined,
    });
    const files = openRevisionFiles(item.revision.files);
    const apply = consoleMessage(
      "apply",
      {
        deploymentId,
        revision: item.revision.number,
        contentHash: item.revision.contentHash,
        target: item.revision.target as "frr",
        files,
        confirmWindowSeconds: windowSeconds,
      },
      `apply-${deploymentId}`,
    );
    const sent = gateway.send(item.siteId, apply);
    if (!sent) return fail("failed", "the agent disconnected before the change was sent");
    // Several instances: an agent that reconnects meanwhile (its instance died, a load balancer moved it) may never
    // have had it: sent again, which an agent already applying or waiting for this deployment's confirmation
    // answers with the same result. (One process keeps its behaviour: the change is sent once.)
    const offOnline = this.o.leases
      ? this.o.bus.subscribe((e) => {
          if (e.type === "agent.online" && e.siteId === item.siteId) gateway.send(item.siteId, apply);
        })
      : () => undefined;
    const result = await resultP.finally(offOnline);
    if (result?.type !== "apply-result") return fail("failed", "no apply result from the agent in time");
    const r = result.payload;
    if (r.outcome === "unchanged") return ok("unchanged");
    // The head names the cause, the tail VyOS's verdict ("Commit failed"): keep both. The error may quote config
    // lines and is shown to viewers, so the revision's secrets are masked in it first.
    if (r.outcome === "failed")
      return fail("failed", fitText(maskSecretsInMessage(r.error, files), TEXT_LIMITS.rollbackReason));
    if (r.outcome === "rolled-back") return fail("rolled-back", maskSecretsInMessage(r.reason, files));

    await this.setItem(deploymentId, item.id, item.siteId, "applied");
    const confirmBy = Date.parse(r.confirmBy);
    const agentAppliedAt = confirmBy - windowSeconds * 1000;
    const deadline = Date.now() + windowSeconds * 1000 - (this.o.confirmMarginMs ?? 5000);

    if (item.site.role === "spoke") {
      // Confirm a spoke only once a status collected after the change shows it registered with a hub.
      // the gateway's copy first: it holds statuses not yet written to the database
      const current = this.o.gateway.latestStatus?.(item.siteId) ?? (await loadStoredStatus(this.o.db, item.siteId));
      const fresh = (s: { collectedAt: string } & Parameters<typeof registeredWithAHub>[0]) =>
        Date.parse(s.collectedAt) >= agentAppliedAt && registeredWithAHub(s);
      const registration: Registration | undefined =
        current && fresh(current.status)
          ? { kind: "registered" }
          : await this.waitFor<Registration>(deadline - Date.now(), {
              event: (e) =>
                e.type === "site.status" && e.siteId === item.siteId && fresh(e.status)
                  ? { kind: "registered" }
                  : undefined,
              message: (siteId, m) => {
                const reason = rolledBack(siteId, m);
                return reason === undefined ? undefined : { kind: "rolled-back", reason };
              },
            });
      if (registration?.kind === "rolled-back") return fail("rolled-back", registration.reason);
      if (registration === undefined) {
        const reason = await this.waitFor(confirmBy - Date.now() + 30_000, { message: rolledBack });
        return fail(
          reason === undefined ? "failed" : "rolled-back",
          reason ?? "no registration with any hub within the confirm window; left to roll back",
        );
      }
    }

    while (Date.now() < deadline + (this.o.confirmMarginMs ?? 5000)) {
      const replyP = this.waitFor<{ ok: true } | { ok: false; reason: string }>(5000, {
        message: (siteId, m) => {
          if (siteId !== item.siteId) return undefined;
          if (m.type === "confirmed" && m.payload.deploymentId === deploymentId) return { ok: true };
          const reason = rolledBack(siteId, m);
          return reason === undefined ? undefined : { ok: false, reason };
        },
      });
      if (!gateway.send(item.siteId, consoleMessage("confirm", { deploymentId }, `confirm-${deploymentId}`))) {
        await new Promise((res) => setTimeout(res, 500));
      }
      const reply = await replyP;
      if (reply?.ok) return ok("confirmed");
      if (reply && !reply.ok) return fail("rolled-back", reply.reason);
    }
    const reason = await this.waitFor(30_000, { message: rolledBack });
    return fail(reason === undefined ? "failed" : "rolled-back", reason ?? "could not confirm within the window");
  }
}
