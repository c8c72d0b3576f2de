import { z } from "zod";

export const PROTOCOL_VERSION = 1 as const;

/**
 * What the agent runs on. `sim` is the in-memory simulated router used for demos and load tests; `cisco-ios` is a
 * proxy agent on a Linux host next to the router, driving it over SSH.
 */
export const AGENT_PLATFORMS = ["frr-linux", "vyos-1.4", "vyos-1.5", "cisco-ios", "sim"] as const;
export const AgentPlatform = z.enum(AGENT_PLATFORMS);
export type AgentPlatform = z.infer<typeof AgentPlatform>;

/** Which renderer output a deployment carries; the console picks it from the site's platform. */
export const CONFIG_TARGETS = ["frr", "vyos-1.4", "vyos-1.5", "cisco-ios"] as const;
export const ConfigTarget = z.enum(CONFIG_TARGETS);
export type ConfigTarget = z.infer<typeof ConfigTarget>;

/** Show commands the console may ask for; an id, never free text, so the console cannot run arbitrary commands. */
export const SHOW_COMMAND_IDS = [
  "nhrp-cache",
  "nhrp-nhs",
  "nhrp-shortcut",
  "dmvpn",
  "bgp-summary",
  "ipsec-sas",
  "tunnel-interface",
  "nhrp-routes",
  "running-config",
] as const;
export const ShowCommandId = z.enum(SHOW_COMMAND_IDS);
export type ShowCommandId = z.infer<typeof ShowCommandId>;

export const PROTOCOL_ERROR_CODES = [
  "too-large",
  "invalid-json",
  "invalid-message",
  "unsupported-version",
  "unexpected-message",
  "not-authenticated",
  "internal",
] as const;
export const ProtocolErrorCode = z.enum(PROTOCOL_ERROR_CODES);
export type ProtocolErrorCode = z.infer<typeof ProtocolErrorCode>;

export const ipv4 = z.ipv4();
