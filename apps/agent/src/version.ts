/** Replaced at bundle time by esbuild (`define`); the source fallback is for tests. */
declare const __AGENT_VERSION__: string | undefined;
export const AGENT_VERSION: string = typeof __AGENT_VERSION__ === "string" ? __AGENT_VERSION__ : "0.1.0-dev";
