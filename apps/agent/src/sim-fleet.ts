import { SimDriver, SimFabric } from "@dmvpn/sim";
import { Agent } from "./agent";
import type { Logger } from "./log";
import { MemoryStateStore } from "./state-store";

export interface SimAgentsOptions {
  count: number;
  websocketUrl: string;
  /** credential for site i (the test console can accept any) */
  credential?: (siteId: string, index: number) => string;
  siteId?: (index: number) => string;
  fabric?: SimFabric;
  statusIntervalMs?: number;
  log?: Logger;
}

/** N simulated routers with their agents in this process, sharing one fabric so they see each other. */
export async function startSimAgents(options: SimAgentsOptions) {
  const fabric = options.fabric ?? new SimFabric();
  const agents: Agent[] = [];
  const drivers: SimDriver[] = [];
  for (let i = 0; i < options.count; i++) {
    const siteId = options.siteId?.(i) ?? `sim-${i + 1}`;
    const driver = new SimDriver(fabric, siteId);
    const agent = new Agent({
      websocketUrl: options.websocketUrl,
      siteId,
      credential: options.credential?.(siteId, i) ?? `sim-credential-${siteId}-0000`,
      hostname: siteId,
      driver,
      store: new MemoryStateStore(),
      statusIntervalMs: options.statusIntervalMs ?? 5000,
      registrationGraceMs: 30_000,
      backoff: { initialMs: 500, maxMs: 30_000 },
      log: options.log,
    });
    await agent.start();
    agents.push(agent);
    drivers.push(driver);
  }
  return {
    fabric,
    agents,
    drivers,
    stop() {
      for (const a of agents) a.stop();
    },
  };
}
