export { Agent, type AgentOptions } from "./agent";
export { CommitConfirm } from "./apply";
export { backoffDelay } from "./backoff";
export { AgentConfig } from "./config";
export { type ConnectionOptions, ConsoleConnection } from "./connection";
export type { RouterDriver, SavedConfig } from "./drivers/driver";
export { type InstallScriptOptions, PROXY_PLACEHOLDERS, renderInstallScript } from "./install-script";
export { type SimAgentsOptions, startSimAgents } from "./sim-fleet";
export { MemoryStateStore } from "./state-store";
