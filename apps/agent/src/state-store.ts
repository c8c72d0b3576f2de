import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { AgentToConsole } from "@dmvpn/protocol";
import { z } from "zod";
import { writeSecretFile } from "./config";

/**
 * What must survive an agent restart: the deployment waiting for confirmation (with the saved running config to
 * roll back to), the last confirmed content hash, and results the console has not yet received.
 */
export const PendingDeployment = z.object({
  deploymentId: z.string(),
  revision: z.number(),
  contentHash: z.string(),
  saved: z.object({ files: z.array(z.object({ name: z.string(), content: z.string() })) }),
  /** the router was registered with at least one hub before this apply */
  wasRegistered: z.boolean(),
  appliedAt: z.number(),
  confirmBy: z.number(),
  /** false while the driver is still applying: a crash in that window also means rollback */
  applied: z.boolean(),
});
export type PendingDeployment = z.infer<typeof PendingDeployment>;

export const AgentState = z.object({
  pending: PendingDeployment.nullable().default(null),
  lastConfirmed: z.object({ deploymentId: z.string(), contentHash: z.string() }).nullable().default(null),
  outbox: z.array(AgentToConsole).default([]),
});
export type AgentState = z.infer<typeof AgentState>;

export class StateStore {
  readonly path: string;
  constructor(readonly dir: string) {
    this.path = join(dir, "state.json");
  }

  async load(): Promise<AgentState> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      return AgentState.parse(JSON.parse(await readFile(this.path, "utf8")));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return AgentState.parse({});
      throw new Error(`agent state ${this.path} is unreadable: ${(e as Error).message}`);
    }
  }

  async save(state: AgentState): Promise<void> {
    await writeSecretFile(this.path, JSON.stringify(state));
  }
}

/** In-memory store for unit tests. */
export class MemoryStateStore {
  state: AgentState = AgentState.parse({});
  async load(): Promise<AgentState> {
    return structuredClone(this.state);
  }
  async save(state: AgentState): Promise<void> {
    this.state = structuredClone(state);
  }
}
