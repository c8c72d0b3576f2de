import type { AgentPlatform, ConfigFile, ShowCommandId, SiteStatus } from "@dmvpn/protocol";

/** What a driver saved before an apply; JSON-serialisable because it is persisted until the deployment is confirmed. */
export interface SavedConfig {
  files: ConfigFile[];
}

export interface PingOutcome {
  sent: number;
  received: number;
  rttAvgMs: number | null;
  output: string;
}

/** Thrown by applyConfig with the router's own error text, which is reported to the console verbatim. */
export class ApplyError extends Error {}

/** The one interface between the agent core and a router platform. */
export interface RouterDriver {
  readonly platform: AgentPlatform;
  readRunningConfig(): Promise<SavedConfig>;
  applyConfig(files: ConfigFile[], options: { confirmWindowSeconds: number }): Promise<void>;
  /** platforms with their own commit-confirm (VyOS) make the change permanent here */
  confirm?(): Promise<void>;
  rollback(saved: SavedConfig): Promise<void>;
  collectStatus(): Promise<SiteStatus>;
  ping(target: string, source: string | undefined, count: number): Promise<PingOutcome>;
  show(commandId: ShowCommandId): Promise<{ ok: boolean; output: string }>;
}
