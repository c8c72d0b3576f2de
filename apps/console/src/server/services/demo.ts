import { Agent, type AgentOptions, MemoryStateStore } from "@dmvpn/agent";
import type { Db, PrismaClient } from "@dmvpn/db";
import type { ConfigFile } from "@dmvpn/protocol";
import { parseSimConfig, SimDriver, SimFabric } from "@dmvpn/sim";
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
import { lastDeployedRevision, renderSites } from "./deployments";
import { writeSite } from "./inventory-store";
import { createNetwork } from "./networks";
import { openRevisionFiles } from "./revision-files";

/**
 * "Load demo network": a clearly labelled network whose routers are simulated (@dmvpn/sim) inside the console
 * process. Each demo site is enrolled and runs the real agent (@dmvpn/agent: connection, commit-confirm, status
 * reporting) with the sim driver, connected to the console's own agent WebSocket endpoint over loopback. So the
 * gateway authenticates and validates every message as for a real router, and deployments, confirmations,
 * rollbacks, drift and diagnostics work on the demo exactly as on real sites. Nothing leaves the host: the routers
 * are in memory and only documentation/benchmark addresses are used.
 */

const TRAFFIC_MS = 9_000;
const DROP_MS = 50_000;
const DOWN_FOR_MS = 25_000;
/** while a site is down, how often the demo checks whether a deployment wants it back */
const DOWN_CHECK_MS = 2_000;

export interface DemoOptions {
  /** the console's agent endpoint as the simulated agents reach it (ws://127.0.0.1:PORT/api/agent/ws) */
  websocketUrl: string;
  /** random traffic between spokes and random spoke outages, to show a network at work (off in tests) */
  liveliness?: boolean;
  statusIntervalMs?: number;
  /** a newcomer sees spokes come up one by one over this long (0: all at once) */
  spokeStaggerMs?: number;
  /** the simulated agents' own log (default: warnings and errors on the console's stderr, tagged with the site) */
  log?: (siteName: string) => AgentOptions["log"];
}

const defaultAgentLog =
  (siteName: string): AgentOptions["log"] =>
  (level, message, fields) => {
    if (level === "warn" || level === "error") console.error(`demo agent ${siteName}: ${message}`, fields ?? "");
  };

interface DemoSiteRun {
  siteId: string;
  name: string;
  role: "hub" | "spoke";
  agent: Agent;
  driver: SimDriver;
  up: boolean;
}

export class DemoNetwork {
  readonly fabric = new SimFabric({ autoHubs: false, registrationDelayMs: 1500, bgpDelayMs: 2000 });
  private readonly sites = new Map<string, DemoSiteRun>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private connecting: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    readonly networkId: string,
    private readonly options: DemoOptions,
  ) {}

  async start(): Promise<void> {
    const network = await this.db.network.findUnique({
      where: { id: this.networkId },
      include: { sites: { orderBy: { tunnelAddressNum: "asc" }, include: { agent: true } } },
    });
    if (!network) throw notFound("demo network");
    const rendered = new Map(
      (
        await renderSites(
          this.db,
          network.sites.map((s) => s.id),
        )
      ).map((r) => [r.siteId, r]),
    );
    const stagger = this.options.spokeStaggerMs ?? 10_000;
    for (const [i, s] of network.sites.entries()) {
      if (!s.agent || s.agent.revokedAt) continue; // an operator revoked it: the site stays without its agent
      this.fabric.addRouter(s.id, s.publicAddress ?? demoDynamicNbma(i));
      // The routers were set up with the last deployed revision, or before any deployment, with today's config.
      const deployed = await lastDeployedRevision(this.db, s.id);
      const files: ConfigFile[] = deployed ? openRevisionFiles(deployed.files) : (rendered.get(s.id)?.files ?? []);
      const install = () => {
        if (this.fabric.getConfig(s.id) === null) this.fabric.setConfig(s.id, parseSimConfig(files), files);
      };
      // Hubs come up first, spokes over the next seconds, so a newcomer sees registrations arrive.
      if (s.role === "hub" || stagger === 0) install();
      else this.after(Math.random() * stagger, install);

      // Each start is an enrolment: a fresh credential, held only by this process (only its hash is stored).
      const credential = newSecret();
      await this.db.agent.update({ where: { siteId: s.id }, data: { credentialHash: hashSecret(credential) } });
      const driver = new SimDriver(this.fabric, s.id);
      const agent = new Agent({
        websocketUrl: this.options.websocketUrl,
        siteId: s.id,
        credential,
        hostname: s.name,
        driver,
        store: new MemoryStateStore(),
        statusIntervalMs: this.options.statusIntervalMs ?? 5_000,
        registrationGraceMs: 30_000,
        backoff: { initialMs: 500, maxMs: 5_000 },
        log: (this.options.log ?? defaultAgentLog)(s.name),
      });
      this.sites.set(s.id, {
        siteId: s.id,
        name: s.name,
        role: s.role === "hub" ? "hub" : "spoke",
        agent,
        driver,
        up: true,
      });
    }
    // Connected in the background, so loading the demo answers at once; the topology shows them arriving.
    this.connecting = this.connectAll().catch(logDemoError);
    if (this.options.liveliness ?? true) {
      this.every(TRAFFIC_MS, () => this.randomTraffic());
      this.every(DROP_MS, () => this.randomDrop());
    }
  }

  /** Resolves once every agent has been started (tests). */
  whenStarted(): Promise<void> {
    return this.connecting;
  }

  // One at a time, each given a moment to say hello: two dozen agents at once would queue their hellos behind each
  // other's first status reports.
  private async connectAll(): Promise<void> {
    for (const site of this.sites.values()) {
      if (this.stopped) return;
      const ready = new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2_000);
        site.agent.connection.once("ready", () => {
          clearTimeout(t);
          resolve();
        });
      });
      await site.agent.start();
      if (this.stopped) return site.agent.stop(); // stopped while this one was starting
      await ready;
    }
  }

  /** Stops every simulated agent (their sockets close, so the gateway marks them offline) and the timers. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    this.timers.clear();
    for (const s of this.sites.values()) s.agent.stop();
  }

  spokeIds(): string[] {
    return [...this.sites.values()].filter((n) => n.role === "spoke").map((n) => n.siteId);
  }

  /** Traffic between two spokes' LANs; both collect at once so the shortcut shows without waiting a cycle. */
  async sendTraffic(fromSiteId: string, toSiteId: string): Promise<boolean> {
    const a = this.sites.get(fromSiteId);
    const b = this.sites.get(toSiteId);
    if (!a || !b) throw notFound("demo site");
    if (a.role !== "spoke" || b.role !== "spoke" || a === b) {
      throw new DomainError("BAD_REQUEST", "traffic needs two different spokes of the demo network");
    }
    const ok = this.fabric.sendTraffic(fromSiteId, toSiteId, 50_000 + Math.floor(Math.random() * 500_000));
    if (ok) await Promise.all([a.agent.status.collect(), b.agent.status.collect()]);
    return ok;
  }

  /**
   * Someone edits a demo router's running config by hand (its LAN prefix renumbered), behind the console's back:
   * the next deployment preview shows the drift. Returns the site's running config as the router now shows it.
   */
  simulateDrift(siteId: string): ConfigFile[] {
    if (!this.sites.has(siteId)) throw notFound("demo site");
    return this.fabric.editRunningConfig(siteId, (files) =>
      files.map((f) => ({
        ...f,
        content: f.content.replace(/\b10\.200\.(\d+)\.0\/24\b/g, (_m, n: string) => `10.201.${n}.0/24`),
      })),
    );
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

  private async randomTraffic() {
    const spokes = this.spokeIds().filter((id) => this.sites.get(id)?.up);
    if (spokes.length < 2) return;
    const from = pick(spokes);
    const to = pick(spokes.filter((id) => id !== from));
    await this.sendTraffic(from, to);
  }

  /** A deployment queued or running on the demo network: outages step aside so it can reach every site. */
  private async deploying(): Promise<boolean> {
    const n = await this.db.deploymentItem.count({
      where: { status: { in: ["queued", "sent", "applied"] }, site: { networkId: this.networkId } },
    });
    return n > 0;
  }

  /** A spoke loses its WAN: its router drops off the NBMA and its agent loses the console, as a real one would. */
  private async randomDrop() {
    if (await this.deploying()) return;
    const candidates = this.spokeIds().filter((id) => this.sites.get(id)?.up);
    if (!candidates.length) return;
    const site = this.sites.get(pick(candidates))!;
    site.up = false;
    this.fabric.setSiteUp(site.siteId, false);
    site.agent.connection.stop();
    const downSince = Date.now();
    const check = async () => {
      if (Date.now() - downSince < DOWN_FOR_MS && !(await this.deploying())) return this.after(DOWN_CHECK_MS, check);
      site.up = true;
      this.fabric.setSiteUp(site.siteId, true);
      site.agent.connection.start();
    };
    this.after(DOWN_CHECK_MS, check);
  }
}

function pick<T>(xs: T[]): T {
  return xs[Math.floor(Math.random() * xs.length)]!;
}

function logDemoError(err: unknown) {
  console.error("demo network:", err instanceof Error ? err.message : err);
}

// ---- lifecycle ---------------------------------------------------------------------------------------------------

const holder = globalThis as unknown as { __dmvpnDemo?: DemoNetwork | null; __dmvpnDemoStarting?: Promise<void> };

export async function findDemoNetwork(db: Db) {
  return db.network.findFirst({ where: { isDemo: true }, select: { id: true, name: true } });
}

/** The running demo, if any (reading pages never starts it). */
export function runningDemo(): DemoNetwork | null {
  return holder.__dmvpnDemo ?? null;
}

/**
 * Starts the simulated agents of the demo network, if one exists: when it is loaded, and when the console starts.
 * Idempotent; returns null when there is no demo network.
 */
export async function startDemo(db: Db, options: DemoOptions): Promise<DemoNetwork | null> {
  if (holder.__dmvpnDemoStarting) await holder.__dmvpnDemoStarting;
  const network = await findDemoNetwork(db);
  const running = holder.__dmvpnDemo;
  if (running && running.networkId === network?.id) return running;
  running?.stop();
  holder.__dmvpnDemo = null;
  if (!network) return null;
  const demo = new DemoNetwork(db, network.id, options);
  holder.__dmvpnDemo = demo;
  holder.__dmvpnDemoStarting = demo.start().finally(() => {
    holder.__dmvpnDemoStarting = undefined;
  });
  await holder.__dmvpnDemoStarting;
  return demo;
}

export function stopDemo(): void {
  holder.__dmvpnDemo?.stop();
  holder.__dmvpnDemo = null;
}

export async function loadDemoNetwork(db: PrismaClient, actor: Actor, options: DemoOptions) {
  if (await findDemoNetwork(db)) throw new DomainError("CONFLICT", "the demo network is already loaded");
  const { id } = await createNetwork(
    db,
    actor,
    {
      name: DEMO_NETWORK_NAME,
      description: DEMO_DESCRIPTION,
      tunnelPrefix: DEMO_TUNNEL_PREFIX,
      greKey: 4242,
      nhrpNetworkId: 4242,
      nhrpHoldtime: DEMO_HOLDTIME_SECONDS,
      phase: 3,
    },
    { isDemo: true },
  );
  await db.$transaction(async (tx) => {
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
          // replaced by a fresh one each time the demo starts (startDemo), which only that process holds
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
  await startDemo(db, options);
  return { id, name: DEMO_NETWORK_NAME };
}

export async function removeDemoNetwork(db: PrismaClient, actor: Actor) {
  const network = await findDemoNetwork(db);
  stopDemo();
  if (!network) throw notFound("demo network");
  // Let the gateway record the agents going offline before their rows go with the network.
  for (let i = 0; i < 30; i++) {
    const connected = await db.agent.count({ where: { connected: true, site: { networkId: network.id } } });
    if (!connected) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

function demoFor(networkId: string | undefined) {
  const demo = runningDemo();
  if (!demo || (networkId && demo.networkId !== networkId)) {
    throw new DomainError("BAD_REQUEST", "the demo network is not running");
  }
  return demo;
}

export async function sendDemoTraffic(fromSiteId: string, toSiteId: string) {
  const shortcut = await demoFor(undefined).sendTraffic(fromSiteId, toSiteId);
  return {
    shortcut,
    reason: shortcut ? null : "no shortcut: one of the spokes is not registered with a common hub right now",
  };
}

/** Edits a demo router's running config behind the console's back, so drift can be shown. */
export function simulateDemoDrift(siteId: string) {
  const files = demoFor(undefined).simulateDrift(siteId);
  return { runningConfig: files.map((f) => `# ${f.name}\n${f.content}`).join("\n") };
}
