import type { PrismaClient } from "@dmvpn/db";
import type { EventBus } from "./bus";
import type { AgentGateway } from "./gateway/gateway";
import type { DeploymentRunner } from "./services/deployment-runner";
import type { SignInLimits } from "./services/sign-in-limiter";
import type { LatestStatus } from "./services/status-rows";

/**
 * Process-wide singletons owned by server.ts (the custom server): the database client and, later, the agent
 * gateway and event bus. Next.js bundles route code, but Prisma's generated client must load from where it was
 * generated, so server.ts creates it outside the bundle and hands it over here. Import types only from @dmvpn/db
 * in Next code.
 */
export interface ConsoleRuntime {
  db: PrismaClient;
  bus: EventBus;
  /** the agents' WebSocket gateway; absent in tests that do not start it */
  gateway?: AgentGateway;
  deployments?: DeploymentRunner;
  /** the agent endpoint as seen from inside this process (loopback); the demo's simulated agents connect to it */
  agentUrl?: string;
  /** this instance's name when several share the work (REDIS_URL) */
  instanceId?: string;
  /** failed sign-ins counted across instances (Redis); absent: in this process */
  signInLimits?: SignInLimits;
}

const holder = globalThis as unknown as { __dmvpnRuntime?: ConsoleRuntime };

export function setRuntime(runtime: ConsoleRuntime): void {
  holder.__dmvpnRuntime = runtime;
}

export function getRuntime(): ConsoleRuntime {
  const runtime = holder.__dmvpnRuntime;
  if (!runtime) throw new Error("console runtime not initialised: start the console through server.ts (npm start)");
  return runtime;
}

/** The runtime, or null where it was never set (tests that call routers without server.ts or a gateway). */
export function findRuntime(): ConsoleRuntime | null {
  return holder.__dmvpnRuntime ?? null;
}

/**
 * The newest status of a site whose agent is connected to this process: the gateway holds it in memory and writes it
 * to the database in batches, so every reader of "latest status" (status page, topology, sites list) must look here
 * first or it shows what the database had up to a flush ago. Another instance may hold the agent now, and then the
 * database is newer, hence only while connected here.
 */
export const heldLatestStatus: LatestStatus = (siteId) => {
  const gateway = findRuntime()?.gateway;
  return gateway?.isConnected(siteId) ? (gateway.latestStatus?.(siteId) ?? null) : null;
};
