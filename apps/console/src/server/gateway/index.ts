import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { PrismaClient } from "@dmvpn/db";
import type { EventBus } from "../bus";
import { type Cluster, linkGateway } from "../cluster";
import { DeploymentRunner, type DeploymentRunnerOptions } from "../services/deployment-runner";
import { DEFAULT_EVENT_RETENTION, type EventRetention, pruneSiteEvents } from "../services/site-status";
import { AGENT_WS_PATH, type AgentGateway, createGateway, type GatewayOptions } from "./gateway";

export { AGENT_WS_PATH, type AgentGateway, createGateway } from "./gateway";

export interface AgentServices {
  gateway: AgentGateway;
  deployments: DeploymentRunner;
  close(): Promise<void>;
}

/**
 * The agent side of the console process: the WebSocket gateway and the deployment runner. Alone, agents marked
 * connected by a previous process are reset first (their sockets died with it); they reconnect on their own. In a
 * cluster other instances hold agents too: presence decides which are stale, and the gateway routes to the others.
 */
export async function startAgentServices(
  opts: { db: PrismaClient; bus: EventBus; eventRetention?: EventRetention; cluster?: Cluster } & Omit<
    GatewayOptions,
    "db" | "bus" | "presence"
  > &
    Partial<Omit<DeploymentRunnerOptions, "db" | "bus" | "gateway" | "leases">>,
): Promise<AgentServices> {
  const { cluster } = opts;
  let gateway: AgentGateway;
  if (cluster) {
    const local = createGateway({ ...opts, presence: cluster.presence });
    const linked = linkGateway(local, cluster.redis, cluster.presence);
    await linked.start();
    // before any agent is accepted here: only agents nobody holds (or this instance id held before) go offline
    await cluster.presence.start(
      () => local.connectedSites?.() ?? [],
      (siteId) => local.disconnect(siteId, "the agent is connected to another console instance"),
    );
    gateway = linked;
  } else {
    // One statement, before the gateway accepts anyone: no hello can be overwritten by it.
    await opts.db.agent.updateMany({ where: { connected: true }, data: { connected: false } });
    gateway = createGateway(opts);
  }
  const deployments = new DeploymentRunner({ ...opts, gateway, leases: cluster?.leases });
  await deployments.start();
  const retention = opts.eventRetention ?? DEFAULT_EVENT_RETENTION;
  const prune = () =>
    pruneSiteEvents(opts.db, retention).catch((e: unknown) =>
      console.warn("[agent-gateway] could not prune old events:", (e as Error).message),
    );
  const pruner = setInterval(() => void prune(), PRUNE_EVERY_MS);
  pruner.unref();
  const firstPrune = setTimeout(() => void prune(), 60_000);
  firstPrune.unref();
  return {
    gateway,
    deployments,
    async close() {
      clearInterval(pruner);
      clearTimeout(firstPrune);
      await deployments.stop();
      await gateway.close();
    },
  };
}

/** events past their retention are deleted this often (and a minute after start) */
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Route WebSocket upgrades: agents on AGENT_WS_PATH, everything else (Next's dev HMR) to `fallback`. The
 * gateway limits unauthenticated connections per caller address (the socket's peer unless TRUST_PROXY says).
 */
export function attachAgentUpgrades(
  server: Server,
  gateway: AgentGateway,
  fallback?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
  clientAddress: (req: IncomingMessage) => string = (req) => req.socket.remoteAddress ?? "",
): void {
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === AGENT_WS_PATH) gateway.handleUpgrade(req, socket, head, clientAddress(req));
    else if (fallback) fallback(req, socket, head);
    else socket.destroy();
  });
}
