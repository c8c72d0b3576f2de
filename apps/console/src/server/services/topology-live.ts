import type { Db } from "@dmvpn/db";
import type { ConsoleEvent, EventBus } from "../bus";
import { heldLatestStatus } from "../runtime";
import { loadTopologyAgents, loadTopologyInput, loadTopologySites } from "./topology";
import { LiveTopology } from "./topology-incremental";
import {
  isEmptyDelta,
  type TopologyAgent,
  type TopologyDelta,
  type TopologyGraph,
  type TopologyInput,
  type TopologySite,
} from "./topology-model";

/**
 * One live topology per console process, shared by every browser watching it. Bus events patch the in-memory
 * graph site by site (LiveTopology: no database read per report, no whole-graph rebuild per batch) and only the
 * delta goes out. Events arriving together are coalesced for COALESCE_MS so a burst becomes one patch.
 */
const COALESCE_MS = 50;
/** re-age nodes (fresh → stale) even when nothing reports */
const TICK_MS = 5_000;
/** pick up inventory edits (new or deleted sites), which do not go through the bus */
const RELOAD_MS = 15_000;
/** how long the feed keeps running after the dashboard's last read or the last viewer leaving */
const WARM_MS = 60_000;

export type TopologyListener = (delta: TopologyDelta) => void;

export class TopologyFeed {
  private live: LiveTopology | null = null;
  private readonly listeners = new Set<TopologyListener>();
  private unsubscribe: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private pending: NodeJS.Timeout | null = null;
  private ready: Promise<void> | null = null;
  private warmUntil = 0;
  private warmTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** The current graph and, from then on, every change. Call the returned function to stop. */
  async subscribe(listener: TopologyListener): Promise<{ graph: TopologyGraph; stop: () => void }> {
    const warm = this.ready !== null;
    this.start();
    await this.ready;
    // inventory edits reach a running feed every RELOAD_MS; a new viewer gets them now (sites only, no statuses)
    if (warm) await this.reloadInventory();
    this.publish(); // what is pending goes to the others as a delta and into this viewer's snapshot
    this.listeners.add(listener);
    return {
      graph: this.live?.graph() ?? { nodes: [], edges: [] },
      // kept warm a while after the last viewer leaves: a reload or a quick visit elsewhere and back must not pay
      // the cold start (every site and stored status read and parsed, the whole graph built) again
      stop: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.keepWarm();
      },
    };
  }

  /**
   * The graph and its input as of now, for the dashboard: no database read and no parse of every stored status per
   * request. Starts the feed if nobody watches it and keeps it for WARM_MS after the last call (the dashboard polls).
   */
  async current(): Promise<{ graph: TopologyGraph; input: TopologyInput }> {
    this.start();
    await this.ready;
    this.keepWarm();
    const live = this.live!;
    this.publish();
    return { graph: live.graph(), input: live.input(Date.now()) };
  }

  /** Runs on for WARM_MS from now, then stops once nobody watches. */
  private keepWarm() {
    this.warmUntil = Date.now() + WARM_MS;
    if (this.warmTimer) return;
    this.warmTimer = setInterval(() => {
      if (Date.now() > this.warmUntil && this.listeners.size === 0) this.close();
    }, WARM_MS / 2);
    this.warmTimer.unref();
  }

  get idle(): boolean {
    return this.listeners.size === 0;
  }

  uses(db: Db, bus: EventBus): boolean {
    return this.db === db && this.bus === bus;
  }

  /** Reload everything from the database now (after the demo network was created or removed). */
  async refresh(): Promise<void> {
    if (!this.ready) return;
    await this.ready;
    const input = await loadTopologyInput(this.db, Date.now(), heldLatestStatus);
    if (!this.live) return;
    this.live.setSites(input.sites);
    this.live.setAgents(input.agents);
    for (const r of input.reports) this.live.setReport(r);
    this.publish();
  }

  private start() {
    if (this.ready) return;
    this.unsubscribe = this.bus.subscribe((e) => this.onEvent(e));
    this.ready = loadTopologyInput(this.db, Date.now(), heldLatestStatus).then((input) => {
      this.live = new LiveTopology(input);
    });
    const tick = setInterval(() => this.schedule(), TICK_MS);
    const reload = setInterval(() => void this.reloadInventory(), RELOAD_MS);
    tick.unref();
    reload.unref();
    this.timers = [tick, reload];
  }

  /** Stops now: bus subscription, timers and the graph (the next subscriber starts it again). */
  close() {
    if (this.warmTimer) clearInterval(this.warmTimer);
    this.warmTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of this.timers) clearInterval(t);
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.timers = [];
    this.ready = null;
    this.live = null;
  }

  private onEvent(e: ConsoleEvent) {
    const live = this.live;
    if (!live) return;
    if (e.type === "site.status") {
      live.setReport({ siteId: e.siteId, status: e.status, receivedAt: Date.parse(e.at) || Date.now() });
      this.schedule();
    } else if (e.type === "agent.online" || e.type === "agent.offline") {
      live.setAgent({ siteId: e.siteId, connected: e.type === "agent.online" });
      this.schedule();
    }
  }

  private async reloadInventory() {
    if (!this.live) return;
    try {
      const [sites, agents] = await Promise.all([loadTopologySites(this.db), loadTopologyAgents(this.db)]);
      // Unchanged inventory (the usual case) must not cost a full rebuild every RELOAD_MS.
      if (!this.live) return;
      if (!sameInventory(this.live.input(0).sites, sites)) this.live.setSites(sites);
      this.reconcileAgents(agents);
      this.schedule();
    } catch (err) {
      console.error("topology reload failed:", err instanceof Error ? err.message : err);
    }
  }

  /** Agents enrolled or revoked meanwhile; connected flags come from the bus, which is more recent than a read. */
  private reconcileAgents(agents: TopologyAgent[]) {
    const live = this.live!;
    const known = new Map(live.input(0).agents.map((a) => [a.siteId, a]));
    if (agents.length !== known.size || agents.some((a) => !known.has(a.siteId))) {
      live.setAgents(agents.map((a) => known.get(a.siteId) ?? a));
    }
  }

  private schedule() {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.publish();
    }, COALESCE_MS);
  }

  private publish() {
    if (!this.live) return;
    const delta = this.live.update(Date.now());
    if (isEmptyDelta(delta)) return;
    for (const l of this.listeners) {
      try {
        l(delta);
      } catch (err) {
        console.error("topology listener failed:", err instanceof Error ? err.message : err);
      }
    }
  }
}

function sameInventory(a: TopologySite[], b: TopologySite[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    for (const k of Object.keys(y) as (keyof TopologySite)[]) if (x[k] !== y[k]) return false;
  }
  return true;
}

const holder = globalThis as unknown as { __dmvpnTopologyFeed?: TopologyFeed };

/**
 * The process-wide feed; kept on globalThis because Next bundles route code more than once. A different database or
 * bus (a test's fresh one) gets a fresh feed, once nobody watches the old one, instead of one reading a closed
 * database.
 */
export function topologyFeed(db: Db, bus: EventBus): TopologyFeed {
  const current = holder.__dmvpnTopologyFeed;
  if (!current || (!current.uses(db, bus) && current.idle)) {
    current?.close(); // kept warm for nobody: it would go on reading the old database
    holder.__dmvpnTopologyFeed = new TopologyFeed(db, bus);
  }
  return holder.__dmvpnTopologyFeed!;
}
