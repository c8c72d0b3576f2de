import {
  buildTopology,
  diffTopology,
  freshnessOf,
  isEmptyDelta,
  nextDynamicExpiry,
  type TopologyAgent,
  type TopologyDelta,
  type TopologyEdge,
  type TopologyGraph,
  type TopologyInput,
  type TopologyNode,
  type TopologyReport,
  type TopologySite,
} from "./topology-model";

const emptyDelta = (): TopologyDelta => ({
  addNodes: [],
  updateNodes: [],
  removeNodes: [],
  addEdges: [],
  updateEdges: [],
  removeEdges: [],
});

function sameRow<T extends object>(a: T, b: T): boolean {
  for (const k of Object.keys(a) as (keyof T)[]) if (a[k] !== b[k]) return false;
  return Object.keys(a).length === Object.keys(b).length;
}

type Pending<T> = { remove: boolean; upsert: T | null; added: boolean };

function mergeInto<T extends { id: string }>(
  into: Map<string, Pending<T>>,
  added: T[],
  updated: T[],
  removed: string[],
) {
  for (const id of removed) {
    const p = into.get(id);
    // added since the client last heard: it never saw the row, so the pair cancels out
    if (p && p.added && !p.remove) into.delete(id);
    else into.set(id, { remove: true, upsert: null, added: false });
  }
  for (const x of added) {
    const p = into.get(x.id);
    into.set(x.id, { remove: p?.remove ?? false, upsert: x, added: true });
  }
  for (const x of updated) {
    const p = into.get(x.id);
    // an update after a removal re-creates the row on the client
    into.set(x.id, { remove: p?.remove ?? false, upsert: x, added: p ? p.added || p.remove : false });
  }
}

function drain<T>(from: Map<string, Pending<T>>, added: T[], updated: T[], removed: string[]) {
  for (const [id, p] of from) {
    if (p.remove) removed.push(id);
    if (p.upsert) (p.added ? added : updated).push(p.upsert);
  }
  from.clear();
}

/**
 * What one subscriber has not been sent yet, as one delta: later rows replace earlier ones by id, so however long a
 * client takes to read, it holds at most one row per node and edge instead of a queue of every patch.
 */
export class PendingDelta {
  private readonly nodes = new Map<string, Pending<TopologyDelta["addNodes"][number]>>();
  private readonly edges = new Map<string, Pending<TopologyDelta["addEdges"][number]>>();

  get empty(): boolean {
    return this.nodes.size === 0 && this.edges.size === 0;
  }

  /** True when this made a pending delta out of nothing (the reader needs waking). */
  add(delta: TopologyDelta): boolean {
    const wasEmpty = this.empty;
    mergeInto(this.nodes, delta.addNodes, delta.updateNodes, delta.removeNodes);
    mergeInto(this.edges, delta.addEdges, delta.updateEdges, delta.removeEdges);
    return wasEmpty && !this.empty;
  }

  take(): TopologyDelta | null {
    if (this.empty) return null;
    const d: TopologyDelta = {
      addNodes: [],
      updateNodes: [],
      removeNodes: [],
      addEdges: [],
      updateEdges: [],
      removeEdges: [],
    };
    drain(this.nodes, d.addNodes, d.updateNodes, d.removeNodes);
    drain(this.edges, d.addEdges, d.updateEdges, d.removeEdges);
    return d;
  }
}

/**
 * The live topology graph, kept up to date a site at a time. A spoke's report changes only its own node, its links
 * to the hubs, its shortcuts, and a count on the hubs and shortcut peers it touches: those are rebuilt from that
 * small neighbourhood (with the same buildTopology as a full build) and patched in. A hub's report changes only its
 * own network (no edge or count crosses networks): that network is rebuilt and diffed. An inventory change, or a
 * crowd of changes at once, takes a full build and diff. `update(now)` returns what changed, and the graph always
 * equals buildTopology of the same input (the property test checks that).
 */
export class LiveTopology {
  private sites: TopologySite[] = [];
  private readonly siteById = new Map<string, TopologySite>();
  private readonly order = new Map<string, number>();
  private readonly byNetwork = new Map<string, TopologySite[]>();
  private readonly spokeByTunnel = new Map<string, Map<string, TopologySite>>();
  private readonly reports = new Map<string, TopologyReport>();
  private readonly agents = new Map<string, TopologyAgent>();
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly edges = new Map<string, TopologyEdge>();
  /** edge ids touching each site */
  private readonly incident = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  /** networks whose hub reported or changed: rebuilt whole (hubs see every spoke of their network) */
  private readonly dirtyNetworks = new Set<string>();
  /**
   * No node turns stale and no shortcut runs out before this time, so update() skips scanning every node until
   * then (at 5,000 sites a scan per 50 ms batch cost more than the patches). A lower bound: lowered by every report
   * and expiry scheduled, recomputed by each scan.
   */
  private nextAgeAt = 0;
  /** how often each kind of work ran, for tests and profiling */
  readonly stats = { fullRebuilds: 0, networkRebuilds: 0, spokePatches: 0, ageScans: 0 };
  /** spoke id → when the next dynamic NHRP entry of its report runs out */
  private readonly expiries = new Map<string, number>();
  private full = true;
  private snapshot: TopologyGraph | null = null;

  constructor(
    input: TopologyInput,
    private readonly reportIntervalMs = input.reportIntervalMs,
  ) {
    this.setSites(input.sites);
    for (const r of input.reports) this.reports.set(r.siteId, r);
    for (const a of input.agents) this.agents.set(a.siteId, a);
    this.update(input.now);
  }

  /** The whole graph (rebuilt as arrays only when it changed since the last call). */
  graph(): TopologyGraph {
    this.snapshot ??= { nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
    return this.snapshot;
  }

  input(now: number): TopologyInput {
    return {
      sites: this.sites,
      reports: [...this.reports.values()],
      agents: [...this.agents.values()],
      now,
      reportIntervalMs: this.reportIntervalMs,
    };
  }

  setSites(sites: TopologySite[]): void {
    this.sites = sites;
    this.siteById.clear();
    this.order.clear();
    this.byNetwork.clear();
    this.spokeByTunnel.clear();
    sites.forEach((s, i) => {
      this.siteById.set(s.id, s);
      this.order.set(s.id, i);
      const list = this.byNetwork.get(s.networkId) ?? [];
      list.push(s);
      this.byNetwork.set(s.networkId, list);
      if (s.role === "spoke") {
        const byTunnel = this.spokeByTunnel.get(s.networkId) ?? new Map<string, TopologySite>();
        byTunnel.set(s.tunnelAddress, s);
        this.spokeByTunnel.set(s.networkId, byTunnel);
      }
    });
    this.full = true;
  }

  setAgents(agents: TopologyAgent[]): void {
    this.agents.clear();
    for (const a of agents) this.agents.set(a.siteId, a);
    this.full = true;
  }

  setReport(report: TopologyReport): void {
    this.reports.set(report.siteId, report);
    this.nextAgeAt = Math.min(this.nextAgeAt, report.receivedAt + 2 * this.reportIntervalMs + 1);
    this.touch(report.siteId);
  }

  setAgent(agent: TopologyAgent): void {
    this.agents.set(agent.siteId, agent);
    // back online with a report still fresh: it turns stale on that report's clock, which a scan meanwhile skipped
    const report = this.reports.get(agent.siteId);
    if (report) this.nextAgeAt = Math.min(this.nextAgeAt, report.receivedAt + 2 * this.reportIntervalMs + 1);
    this.touch(agent.siteId);
  }

  private touch(siteId: string) {
    const site = this.siteById.get(siteId);
    if (!site) this.full = true;
    else if (site.role === "hub") this.dirtyNetworks.add(site.networkId);
    else this.dirty.add(siteId);
  }

  /** Applies what changed since the last call (and what time changed: freshness, expired shortcuts). */
  update(now: number): TopologyDelta {
    this.ageOut(now);
    if (this.full || this.dirty.size > this.sites.length / 4) return this.rebuild(now);
    // several spokes of one hub in a batch each shift its count: merged, the hub goes out once
    const merged = new PendingDelta();
    for (const networkId of this.dirtyNetworks) {
      const delta = emptyDelta();
      this.patchNetwork(networkId, now, delta);
      merged.add(delta);
    }
    this.dirtyNetworks.clear();
    for (const siteId of this.dirty) {
      const delta = emptyDelta();
      this.patchSpoke(siteId, now, delta);
      this.stats.spokePatches++;
      this.scheduleExpiry(siteId, now);
      merged.add(delta);
    }
    this.dirty.clear();
    const delta = merged.take() ?? emptyDelta();
    if (!isEmptyDelta(delta)) this.snapshot = null;
    return delta;
  }

  /** Sites whose freshness moved with the clock, and reporters of shortcuts that ran out, need a patch too. */
  private ageOut(now: number) {
    if (this.full || now < this.nextAgeAt) return;
    this.stats.ageScans++;
    let next = Number.POSITIVE_INFINITY;
    const staleAfter = 2 * this.reportIntervalMs + 1;
    for (const node of this.nodes.values()) {
      const site = this.siteById.get(node.id);
      if (!site || node.freshness === "config-managed") continue;
      const report = this.reports.get(node.id);
      const f = freshnessOf(report, this.agents.get(node.id), now, this.reportIntervalMs);
      if (f !== node.freshness) this.touch(node.id);
      // fresh (now, or once patched) turns stale at this time (freshnessOf: older than twice the interval)
      if (f === "fresh" && report) next = Math.min(next, report.receivedAt + staleAfter);
    }
    for (const [siteId, at] of this.expiries) {
      if (at <= now) this.touch(siteId);
      else next = Math.min(next, at);
    }
    // a site touched for an expiry is patched next, and its patch schedules its next expiry (lowering this again)
    this.nextAgeAt = next;
  }

  private scheduleExpiry(siteId: string, now: number) {
    const report = this.reports.get(siteId);
    const at = report && this.siteById.get(siteId)?.role === "spoke" ? nextDynamicExpiry(report, now) : null;
    if (at === null) this.expiries.delete(siteId);
    else {
      this.expiries.set(siteId, at);
      this.nextAgeAt = Math.min(this.nextAgeAt, at);
    }
  }

  private rebuild(now: number): TopologyDelta {
    this.stats.fullRebuilds++;
    const prev = this.graph();
    const next = buildTopology(this.input(now));
    this.nodes.clear();
    this.edges.clear();
    this.incident.clear();
    for (const n of next.nodes) this.nodes.set(n.id, n);
    for (const e of next.edges) this.setEdge(e);
    this.snapshot = next;
    this.full = false;
    this.dirty.clear();
    this.dirtyNetworks.clear();
    this.expiries.clear();
    for (const siteId of this.reports.keys()) this.scheduleExpiry(siteId, now);
    this.nextAgeAt = 0; // the next update scans once and finds the next moment
    return diffTopology(prev, next);
  }

  /** A network rebuilt on its own (what a hub's report changes) and diffed against what the graph holds for it. */
  private patchNetwork(networkId: string, now: number, delta: TopologyDelta) {
    this.stats.networkRebuilds++;
    const sites = this.byNetwork.get(networkId) ?? [];
    const mini = buildTopology({
      sites,
      reports: sites.flatMap((s) => this.reports.get(s.id) ?? []),
      agents: sites.flatMap((s) => this.agents.get(s.id) ?? []),
      now,
      reportIntervalMs: this.reportIntervalMs,
    });
    const before = new Map<string, TopologyEdge>();
    for (const s of sites) for (const id of this.incident.get(s.id) ?? []) before.set(id, this.edges.get(id)!);
    const after = new Set(mini.edges.map((e) => e.id));
    for (const [id, e] of before) {
      if (after.has(id)) continue;
      this.dropEdge(e);
      delta.removeEdges.push(id);
    }
    for (const e of mini.edges) {
      const old = before.get(e.id);
      if (!old) delta.addEdges.push(e);
      else if (!sameRow(old, e)) delta.updateEdges.push(e);
      else continue;
      this.setEdge(e);
    }
    for (const n of mini.nodes) {
      const old = this.nodes.get(n.id);
      if (old && sameRow(old, n)) continue;
      this.nodes.set(n.id, n);
      (old ? delta.updateNodes : delta.addNodes).push(n);
    }
    for (const s of sites) {
      this.dirty.delete(s.id); // patched with its network
      this.scheduleExpiry(s.id, now);
    }
  }

  private setEdge(e: TopologyEdge) {
    this.edges.set(e.id, e);
    for (const end of [e.source, e.target]) {
      const set = this.incident.get(end) ?? new Set<string>();
      set.add(e.id);
      this.incident.set(end, set);
    }
  }

  private dropEdge(e: TopologyEdge) {
    this.edges.delete(e.id);
    this.incident.get(e.source)?.delete(e.id);
    this.incident.get(e.target)?.delete(e.id);
  }

  private patchSpoke(siteId: string, now: number, delta: TopologyDelta) {
    const site = this.siteById.get(siteId)!;
    const network = this.byNetwork.get(site.networkId) ?? [];
    const hubs = network.filter((s) => s.role === "hub");
    const before = [...(this.incident.get(siteId) ?? [])].map((id) => this.edges.get(id)!);
    const peers = new Set<string>();
    for (const e of before) if (e.kind === "shortcut") peers.add(e.source === siteId ? e.target : e.source);
    const byTunnel = this.spokeByTunnel.get(site.networkId);
    for (const entry of this.reports.get(siteId)?.status.nhrpCache ?? []) {
      const peer = entry.type === "dynamic" ? byTunnel?.get(entry.protocolAddress) : undefined;
      if (peer && peer.id !== siteId) peers.add(peer.id);
    }
    const involved = [...hubs, site, ...[...peers].map((id) => this.siteById.get(id)!)].sort(
      (a, b) => this.order.get(a.id)! - this.order.get(b.id)!,
    );
    const ids = new Set(involved.map((s) => s.id));
    const mini = buildTopology({
      sites: involved,
      reports: [...ids].flatMap((id) => this.reports.get(id) ?? []),
      agents: [...ids].flatMap((id) => this.agents.get(id) ?? []),
      now,
      reportIntervalMs: this.reportIntervalMs,
    });
    // only the edges touching this spoke are complete in the neighbourhood (its peers' other shortcuts are not in it)
    const after = mini.edges.filter((e) => e.source === siteId || e.target === siteId);
    const afterById = new Map(after.map((e) => [e.id, e]));
    const beforeById = new Map(before.map((e) => [e.id, e]));
    const counted = (e: TopologyEdge | undefined) => (e ? (e.kind === "hub-spoke" ? (e.registered ? 1 : 0) : 1) : 0);

    const adjust = new Map<string, number>();
    for (const e of before) {
      if (!afterById.has(e.id)) {
        this.dropEdge(e);
        delta.removeEdges.push(e.id);
      }
    }
    for (const e of after) {
      const old = beforeById.get(e.id);
      if (!old) delta.addEdges.push(e);
      else if (!sameRow(old, e)) delta.updateEdges.push(e);
      else continue;
      this.setEdge(e);
    }
    for (const id of new Set([...beforeById.keys(), ...afterById.keys()])) {
      const change = counted(afterById.get(id)) - counted(beforeById.get(id));
      if (!change) continue;
      const e = afterById.get(id) ?? beforeById.get(id)!;
      const other = e.source === siteId ? e.target : e.source;
      adjust.set(other, (adjust.get(other) ?? 0) + change);
    }
    // hubs count registered spokes, peers count shortcuts: shifted by what this spoke's edges changed
    for (const [id, change] of adjust) {
      const node = this.nodes.get(id);
      if (!node) continue;
      const next =
        node.role === "hub"
          ? { ...node, registered: node.registered + change }
          : { ...node, shortcuts: node.shortcuts + change };
      this.nodes.set(id, next);
      delta.updateNodes.push(next);
    }
    const mine = mini.nodes.find((n) => n.id === siteId)!;
    const old = this.nodes.get(siteId);
    if (!old || !sameRow(old, mine)) {
      this.nodes.set(siteId, mine);
      (old ? delta.updateNodes : delta.addNodes).push(mine);
    }
  }
}
