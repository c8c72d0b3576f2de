import { SimFabric } from "@dmvpn/sim";
import type { Db, PrismaClient } from "@dmvpn/db";
import { deriveEvents, emptySiteStatus, type SiteStatus } from "@dmvpn/protocol";
import type { EventBus } from "../bus";
import { DomainError, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { hashSecret, newSecret } from "./credentials";
import {
  DEMO_DESCRIPTION,
  DEMO_HOLDTIME_SECONDS,
  DEMO_NETWORK_NAME,
  DEMO_TUNNEL_PREFIX,
  demoDynamicNbma,
  demoSites,
} from "./demo-sites";
import { writeSite } from "./inventory-store";
import { createNetwork } from "./networks";
import { recordSiteEvents, storeStatusReport } from "./site-status";

/**
 * "Load demo network": a clearly labelled network whose routers are simulated (apps/agent's sim fabric) inside
 * the console process. Their statuses go through the same service the agent gateway uses (storeStatusReport,
 * recordSiteEvents, the bus), so the topology, dashboard and site pages cannot tell them from real agents.
 * Nothing leaves the process: the fabric is in memory and no agent connection or router address is used.
 */

const REPORT_MS = 5_000;
const TRAFFIC_MS = 9_000;
const DROP_MS = 50_000;
const DOWN_FOR_MS = 25_000;

interface DemoNode {
  siteId: string;
  networkId: string;
  name: string;
  role: "hub" | "spoke";
  up: boolean;
  seq: number;
  last: SiteStatus | null;
}

export class DemoDriver {
  readonly fabric = new SimFabric({ autoHubs: false, registrationDelayMs: 1500, bgpDelayMs: 2000 });
  private readonly nodes = new Map<string, DemoNode>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    readonly networkId: string,
  ) {}

  async start(): Promise<void> {
    const network = await this.db.network.findUnique({
      where: { id: this.networkId },
      include: { sites: { orderBy: { tunnelAddressNum: "asc" } } },
    });
    if (!network) throw notFound("demo network");
    const hubs = network.sites.filter((s) => s.role === "hub");
    network.sites.forEach((s, i) => {
      this.fabric.addRouter(s.id, s.publicAddress ?? demoDynamicNbma(i));
      this.nodes.set(s.id, {
        siteId: s.id,
        networkId: network.id,
        name: s.name,
        role: s.role === "hub" ? "hub" : "spoke",
        up: true,
        seq: 0,
        last: null,
      });
    });
    const neighbors = hubs.map((h) => ({ address: h.tunnelAddress, remoteAs: Number(network.bgpAsn) }));
    // Hubs come up first, spokes over the next ten seconds, so a newcomer sees registrations arrive.
    for (const s of network.sites) {
      const isHub = s.role === "hub";
      const configure = () =>
        this.fabric.setConfig(s.id, {
          role: isHub ? "hub" : "spoke",
          tunnelAddress: s.tunnelAddress,
          hubs: isHub ? [] : hubs.map((h) => ({ nbma: h.publicAddress ?? "", tunnelAddress: h.tunnelAddress })),
          bgpNeighbors: isHub ? [] : neighbors,
          holdtimeSeconds: network.nhrpHoldtime,
          lanPrefixes: JSON.parse(s.lanPrefixes) as string[],
        });
      if (isHub) configure();
      else this.after(Math.random() * 10_000, configure);
      await this.setAgentConnected(s.id, true);
      // each simulated agent reports on its own rhythm, like real ones
      this.after(Math.random() * 1000, () => this.every(REPORT_MS, () => this.report(s.id)));
    }
    this.every(TRAFFIC_MS, () => this.randomTraffic());
    this.every(DROP_MS, () => this.randomDrop());
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.timers.clear();
  }

  spokeIds(): string[] {
    return [...this.nodes.values()].filter((n) => n.role === "spoke").map((n) => n.siteId);
  }

  /** Traffic between two spokes' LANs; both report at once so the shortcut shows without waiting a cycle. */
  async sendTraffic(fromSiteId: string, toSiteId: string): Promise<boolean> {
    const a = this.nodes.get(fromSiteId);
    const b = this.nodes.get(toSiteId);
    if (!a || !b) throw notFound("demo site");
    if (a.role !== "spoke" || b.role !== "spoke" || a === b) {
      throw new DomainError("BAD_REQUEST", "traffic needs two different spokes of the demo network");
    }
    const ok = this.fabric.sendTraffic(fromSiteId, toSiteId, 50_000 + Math.floor(Math.random() * 500_000));
    if (ok) await Promise.all([this.report(fromSiteId), this.report(toSiteId)]);
    return ok;
  }

  private after(ms: number, fn: () => unknown) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) void Promise.resolve(fn()).catch(logDemoError);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private every(ms: number, fn: () => unknown) {
    const t = setInterval(() => {
      if (!this.stopped) void Promise.resolve(fn()).catch(logDemoError);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private async report(siteId: string) {
    const node = this.nodes.get(siteId);
    if (!node?.up || this.stopped) return;
    const status = this.fabric.status(siteId);
    node.seq++;
    const stored = await storeStatusReport(this.db, siteId, { kind: "snapshot", seq: node.seq, status });
    if (!stored.status) return;
    const events = deriveEvents(node.last ?? emptySiteStatus(status.collectedAt), status);
    node.last = status;
    const at = new Date().toISOString();
    this.bus.publish({ type: "site.status", siteId, networkId: node.networkId, at, seq: node.seq, status });
    await recordSiteEvents(this.db, siteId, node.networkId, events);
    for (const event of events) this.bus.publish({ type: "site.event", siteId, networkId: node.networkId, at, event });
  }

  private async randomTraffic() {
    const spokes = this.spokeIds().filter((id) => this.nodes.get(id)?.up);
    if (spokes.length < 2) return;
    const from = pick(spokes);
    const to = pick(spokes.filter((id) => id !== from));
    await this.sendTraffic(from, to);
  }

  private async randomDrop() {
    const candidates = this.spokeIds().filter((id) => this.nodes.get(id)?.up);
    if (!candidates.length) return;
    const id = pick(candidates);
    const node = this.nodes.get(id)!;
    node.up = false;
    this.fabric.setSiteUp(id, false);
    await this.setAgentConnected(id, false);
    this.after(DOWN_FOR_MS, async () => {
      node.up = true;
      this.fabric.setSiteUp(id, true);
      await this.setAgentConnected(id, true);
      await this.report(id);
    });
  }

  private async setAgentConnected(siteId: string, connected: boolean) {
    const node = this.nodes.get(siteId);
    if (!node) return;
    const at = new Date().toISOString();
    await this.db.agent.update({ where: { siteId }, data: { connected, lastSeenAt: new Date() } });
    await recordSiteEvents(this.db, siteId, node.networkId, [
      { kind: connected ? "agent-online" : "agent-offline", at },
    ]);
    this.bus.publish({ type: connected ? "agent.online" : "agent.offline", siteId, networkId: node.networkId, at });
  }
}

function pick<T>(xs: T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}

function logDemoError(err: unknown) {
  console.error("demo network:", err instanceof Error ? err.message : err);
}

// ---- lifecycle ---------------------------------------------------------------------------------------------------

const holder = globalThis as unknown as { __dmvpnDemo?: DemoDriver | null; __dmvpnDemoStarting?: Promise<void> };

export async function findDemoNetwork(db: Db) {
  return db.network.findFirst({ where: { isDemo: true }, select: { id: true, name: true } });
}

/** Starts the simulation for an existing demo network (after a console restart, too). Idempotent. */
export async function ensureDemoRunning(db: Db, bus: EventBus): Promise<DemoDriver | null> {
  if (holder.__dmvpnDemoStarting) await holder.__dmvpnDemoStarting;
  const network = await findDemoNetwork(db);
  const running = holder.__dmvpnDemo;
  if (running && running.networkId === network?.id) return running;
  running?.stop();
  holder.__dmvpnDemo = null;
  if (!network) return null;
  const driver = new DemoDriver(db, bus, network.id);
  holder.__dmvpnDemoStarting = driver.start().finally(() => {
    holder.__dmvpnDemoStarting = undefined;
  });
  holder.__dmvpnDemo = driver;
  await holder.__dmvpnDemoStarting;
  return driver;
}

export async function loadDemoNetwork(db: PrismaClient, bus: EventBus, actor: Actor) {
  if (await findDemoNetwork(db)) throw new DomainError("CONFLICT", "the demo network is already loaded");
  const { id } = await createNetwork(db, actor, {
    name: DEMO_NETWORK_NAME,
    description: DEMO_DESCRIPTION,
    tunnelPrefix: DEMO_TUNNEL_PREFIX,
    greKey: 4242,
    nhrpNetworkId: 4242,
    nhrpHoldtime: DEMO_HOLDTIME_SECONDS,
    phase: 3,
  });
  await db.$transaction(async (tx) => {
    await tx.network.update({ where: { id }, data: { isDemo: true } });
    for (const s of demoSites()) {
      const row = await writeSite(
        tx,
        {
          name: s.name,
          network: DEMO_NETWORK_NAME,
          role: s.role,
          platform: s.platform,
          wanInterface: "eth0",
          publicAddress: s.publicAddress,
          behindNat: s.publicAddress === null,
          lanPrefixes: s.lanPrefixes,
          tunnelAddress: s.tunnelAddress,
          asn: null,
          latitude: s.latitude,
          longitude: s.longitude,
          address: s.city,
          tags: ["demo"],
          notes: "Simulated by the console's demo driver.",
        },
        id,
      );
      await tx.agent.create({
        data: {
          siteId: row.id,
          // a credential nobody holds: simulated agents never connect over the network
          credentialHash: hashSecret(newSecret()),
          hostname: s.name,
          platform: "sim",
          version: "demo",
        },
      });
    }
  });
  await recordAudit(db, actor, {
    action: "demo.load",
    entityType: "network",
    entityId: id,
    entityName: DEMO_NETWORK_NAME,
    networkId: id,
  });
  await ensureDemoRunning(db, bus);
  return { id, name: DEMO_NETWORK_NAME };
}

export async function removeDemoNetwork(db: PrismaClient, actor: Actor) {
  const network = await findDemoNetwork(db);
  holder.__dmvpnDemo?.stop();
  holder.__dmvpnDemo = null;
  if (!network) throw notFound("demo network");
  await db.network.delete({ where: { id: network.id } });
  await recordAudit(db, actor, {
    action: "demo.remove",
    entityType: "network",
    entityId: network.id,
    entityName: network.name,
    networkId: network.id,
  });
  return { id: network.id };
}

export async function sendDemoTraffic(db: Db, bus: EventBus, fromSiteId: string, toSiteId: string) {
  const driver = await ensureDemoRunning(db, bus);
  if (!driver) throw notFound("demo network");
  const shortcut = await driver.sendTraffic(fromSiteId, toSiteId);
  return {
    shortcut,
    reason: shortcut ? null : "no shortcut: one of the spokes is not registered with a common hub right now",
  };
}
