import type { Db } from "@dmvpn/db";
import type { ConsoleEvent, EventBus } from "../bus";
import { loadTopologyAgents, loadTopologyInput, loadTopologySites } from "./topology";
import {
  buildTopology,
  diffTopology,
  isEmptyDelta,
  type TopologyDelta,
  type TopologyGraph,
  type TopologyInput,
} from "./topology-model";

/**
 * One live topology per console process, shared by every browser watching it. Bus events patch the in-memory
 * input (no database read per report); the graph is rebuilt (a few ms for thousands of sites) and only the
 * delta goes out. Events arriving together are coalesced for COALESCE_MS so a burst becomes one patch.
 */
const COALESCE_MS = 50;
/** re-age nodes (fresh → stale) even when nothing reports */
const TICK_MS = 5_000;
/** pick up inventory edits (new or deleted sites), which do not go through the bus */
const RELOAD_MS = 15_000;

export type TopologyListener = (delta: TopologyDelta) => void;

export class TopologyFeed {
  private input: TopologyInput | null = null;
  private graph: TopologyGraph = { nodes: [], edges: [] };
  private readonly listeners = new Set<TopologyListener>();
  private unsubscribe: (() => void) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private pending: NodeJS.Timeout | null = null;
  private ready: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  /** The current graph and, from then on, every change. Call the returned function to stop. */
  async subscribe(listener: TopologyListener): Promise<{ graph: TopologyGraph; stop: () => void }> {
    this.start();
    await this.ready;
    this.listeners.add(listener);
    return {
      graph: this.graph,
      stop: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.shutdown();
      },
    };
  }

  /** Reload everything from the database now (after the demo network was created or removed). */
  async refresh(): Promise<void> {
    if (!this.ready) return;
    await this.ready;
    this.input = await loadTopologyInput(this.db);
    this.publish();
  }

  private start() {
    if (this.ready) return;
    this.unsubscribe = this.bus.subscribe((e) => this.onEvent(e));
    this.ready = loadTopologyInput(this.db).then((input) => {
      this.input = input;
      this.graph = buildTopology(input);
    });
    const tick = setInterval(() => this.schedule(), TICK_MS);
    const reload = setInterval(() => void this.reloadInventory(), RELOAD_MS);
    tick.unref();
    reload.unref();
    this.timers = [tick, reload];
  }

  private shutdown() {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const t of this.timers) clearInterval(t);
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.timers = [];
    this.ready = null;
    this.input = null;
  }

  private onEvent(e: ConsoleEvent) {
    const input = this.input;
    if (!input) return;
    if (e.type === "site.status") {
      const report = { siteId: e.siteId, status: e.status, receivedAt: Date.parse(e.at) || Date.now() };
      const i = input.reports.findIndex((r) => r.siteId === e.siteId);
      if (i >= 0) input.reports[i] = report;
      else input.reports.push(report);
      this.schedule();
    } else if (e.type === "agent.online" || e.type === "agent.offline") {
      const connected = e.type === "agent.online";
      const agent = input.agents.find((a) => a.siteId === e.siteId);
      if (agent) agent.connected = connected;
      else input.agents.push({ siteId: e.siteId, connected });
      this.schedule();
    }
  }

  private async reloadInventory() {
    const input = this.input;
    if (!input) return;
    try {
      const [sites, agents] = await Promise.all([loadTopologySites(this.db), loadTopologyAgents(this.db)]);
      input.sites = sites;
      input.agents = agents;
      this.schedule();
    } catch (err) {
      console.error("topology reload failed:", err instanceof Error ? err.message : err);
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
    if (!this.input) return;
    this.input.now = Date.now();
    const next = buildTopology(this.input);
    const delta = diffTopology(this.graph, next);
    this.graph = next;
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

const holder = globalThis as unknown as { __dmvpnTopologyFeed?: TopologyFeed };

/** The process-wide feed; kept on globalThis because Next bundles route code more than once. */
export function topologyFeed(db: Db, bus: EventBus): TopologyFeed {
  holder.__dmvpnTopologyFeed ??= new TopologyFeed(db, bus);
  return holder.__dmvpnTopologyFeed;
}
