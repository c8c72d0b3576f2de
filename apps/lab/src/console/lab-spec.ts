import { rename, writeFile } from "node:fs/promises";
import { z } from "zod";
import { FRR_DAEMONS } from "../vm/topology";

/**
 * What the host and the VM tell each other through the shared run directory (/run/lab in the VM): the host
 * writes lab.json (and the one-time enrollment tokens, which the VM deletes once used), the VM answers requests
 * the host drops into requests/ with files in responses/.
 */

export const labRouterSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]{1,12}$/),
  /** CIDR on the router's eth0, on the simulated internet */
  wanAddress: z.string(),
  /** name of the NAT the router sits behind */
  behindNat: z.string().optional(),
  lanAddresses: z.array(z.string()),
  /** FRR 10 and strongSwan 6 from this Debian 13 root, chrooted in the router's namespace (vm/frr-root.ts) */
  frrRoot: z.string().startsWith("/").optional(),
});
export type LabRouterSpec = z.infer<typeof labRouterSchema>;

export const labVmInputSchema = z.object({
  /** the console as the routers reach it (qemu's 10.0.2.2 is the host's loopback) */
  consoleUrl: z.url(),
  /** the agent's one-file bundle; the VM's root is the host's, so the same path works there */
  agentBundle: z.string(),
  statusIntervalSeconds: z.number().positive(),
  registrationGraceSeconds: z.number().nonnegative(),
  routers: z.array(labRouterSchema).min(1),
  nats: z.array(z.object({ name: z.string(), publicAddress: z.string(), insideAddress: z.string() })),
});
export type LabVmInput = z.infer<typeof labVmInputSchema>;

/** router name -> one-time enrollment token */
export const enrollmentTokensSchema = z.record(z.string(), z.string().min(1));

export const labRequestSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("stop-daemon"), router: z.string(), daemon: z.enum(FRR_DAEMONS) }),
  /**
   * A hub dies as the network sees it: its port on the simulated internet goes down (no goodbye from any daemon,
   * nothing in or out), or comes back. The response's detail is the VM's clock at that moment (`date +%s.%N`),
   * the clock the routers' ping timestamps use.
   */
  z.object({ action: z.literal("wan-link"), router: z.string(), up: z.boolean() }),
  /** a person exploring `npm run lab` (or a test) looks inside a router: argv runs in its namespace */
  z.object({ action: z.literal("exec"), router: z.string(), argv: z.array(z.string()).min(1).max(50) }),
  /** tcpdump on the simulated internet (every bridge port, each packet once) into captures/<name>.txt */
  z.object({ action: z.literal("capture-start"), name: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
  z.object({ action: z.literal("capture-stop"), name: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
  /** a site added to the running network: enroll and start its router's agent with this one-time token */
  z.object({ action: z.literal("enroll-agent"), router: z.string(), token: z.string().min(1) }),
  z.object({ action: z.literal("shutdown") }),
]);
export type LabRequest = z.infer<typeof labRequestSchema>;

export const labResponseSchema = z.object({ ok: z.boolean(), detail: z.string() });
export type LabResponse = z.infer<typeof labResponseSchema>;

export const LAB_FILES = {
  input: "lab.json",
  tokens: "enrollment-tokens.json",
  /** written by the VM once every agent is enrolled and started */
  ready: "vm-ready.json",
  requests: "requests",
  responses: "responses",
  logs: "logs",
  captures: "captures",
} as const;

/** A request or response, written whole (a temporary name, then renamed): the other side polls for *.json. */
export async function writeExchangeFile(file: string, message: LabRequest | LabResponse): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(message));
  await rename(`${file}.tmp`, file);
}
