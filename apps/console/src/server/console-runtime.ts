import os from "node:os";
import type { PrismaClient } from "@dmvpn/db";
import type { ConsoleEnv } from "../env";
import { createInMemoryBus } from "./bus";
import { type Cluster, joinCluster } from "./cluster";
import { type AgentServices, startAgentServices } from "./gateway";
import { type ConsoleRuntime, setRuntime } from "./runtime";
import { startWebhookWorker } from "./services/webhooks";

export interface StartedConsole {
  runtime: ConsoleRuntime;
  agents: AgentServices;
  /** null: the single-process console (no REDIS_URL) */
  cluster: Cluster | null;
  close(): Promise<void>;
}

/**
 * Everything the console process runs besides HTTP: the event bus, the agents' gateway and deployment runner, the
 * webhook worker, and with REDIS_URL the cluster they share with other instances. One runtime object holds them;
 * server.ts (and the multi-instance test's instances) serve HTTP around it.
 */
export async function startConsoleRuntime(
  db: PrismaClient,
  env: ConsoleEnv,
  o: { agentUrl?: string; heartbeatSeconds?: number; connectWaitMs?: number } = {},
): Promise<StartedConsole> {
  const cluster = env.REDIS_URL
    ? await joinCluster(db, {
        redisUrl: env.REDIS_URL,
        prefix: env.REDIS_PREFIX,
        instanceId: env.CONSOLE_INSTANCE_ID ?? `${os.hostname()}:${env.PORT}`,
        presenceTtlMs: env.AGENT_PRESENCE_TTL_MS,
        leaseMs: env.DEPLOYMENT_LEASE_MS,
      })
    : null;
  const bus = cluster?.bus ?? createInMemoryBus();
  const agents = await startAgentServices({
    db,
    bus,
    cluster: cluster ?? undefined,
    eventRetention: { maxAgeDays: env.EVENT_RETENTION_DAYS, maxRows: env.EVENT_RETENTION_ROWS },
    ...(o.heartbeatSeconds ? { heartbeatSeconds: o.heartbeatSeconds } : {}),
    ...(o.connectWaitMs ? { connectWaitMs: o.connectWaitMs } : {}),
  });
  const runtime: ConsoleRuntime = {
    db,
    bus,
    gateway: agents.gateway,
    deployments: agents.deployments,
    agentUrl: o.agentUrl,
    instanceId: cluster?.instanceId,
    signInLimits: cluster?.signInLimits,
  };
  setRuntime(runtime);
  const stopWebhooks = startWebhookWorker(db, bus);
  return {
    runtime,
    agents,
    cluster,
    async close() {
      stopWebhooks();
      await agents.close();
      await cluster?.close();
    },
  };
}
