import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { IosSshTarget } from "./drivers/ios/ios-target";

export const DRIVERS = ["sim", "frr", "vyos", "ios-ssh"] as const;

export const DriverOptions = z.object({
  /** frr: run every command inside this network namespace */
  netns: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .optional(),
  /** frr/vyos: extra vtysh arguments, e.g. ["-N", "hub1"] for an FRR path space */
  vtyshArgs: z.array(z.string().max(200)).max(10).optional(),
  /** frr: FRR and strongSwan are installed under this root and run chrooted (vtysh, frr-reload.py, swanctl) */
  frrRoot: z.string().startsWith("/").max(500).optional(),
  /** frr: extra swanctl arguments, e.g. ["--uri", "unix:///run/charon-hub1.vici"] */
  swanctlArgs: z.array(z.string().max(200)).max(10).optional(),
  /** frr: a swanctl.conf of the agent's own, loaded alone (`swanctl --load-all --file`); default: a conf.d drop-in */
  swanctlConf: z.string().max(500).optional(),
  /** frr: the multipoint GRE device */
  tunnelInterface: z.string().max(15).optional(),
  /** frr: where the agent keeps the files it applied (for rollback) */
  frrConfigPath: z.string().optional(),
  vyosVersion: z.enum(["1.4", "1.5"]).optional(),
  /** ios-ssh: the Cisco router this proxy agent drives, and its pinned host key */
  ssh: IosSshTarget.optional(),
  /** sim: this router's NBMA (public) address */
  nbmaAddress: z.ipv4().optional(),
});
export type DriverOptions = z.infer<typeof DriverOptions>;

export const AgentConfig = z.object({
  consoleUrl: z.url(),
  websocketUrl: z.url({ protocol: /^wss?$/ }),
  siteId: z.string().min(1),
  credential: z.string().min(16),
  hostname: z.string().min(1).optional(),
  driver: z.enum(DRIVERS),
  driverOptions: DriverOptions.default({}),
  tls: z
    .object({
      /** PEM CA bundle that must have signed the console certificate */
      caFile: z.string().optional(),
      /** SHA-256 fingerprint of the console certificate, "AA:BB:…" (case and colons ignored) */
      fingerprint256: z.string().optional(),
    })
    .default({}),
  /** pending deployments and unreported results; defaults to `<config dir>/state` */
  stateDir: z.string().optional(),
  statusIntervalSeconds: z.number().min(0.2).max(3600).default(10),
  registrationGraceSeconds: z.number().min(0).max(3600).default(30),
  backoff: z
    .object({ initialMs: z.number().int().min(10).default(1000), maxMs: z.number().int().min(10).default(60_000) })
    .default({ initialMs: 1000, maxMs: 60_000 }),
});
export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;

export const DEFAULT_CONFIG_PATH = "/etc/dmvpn-agent/config.json";

export function stateDirOf(config: AgentConfig, configPath: string): string {
  return config.stateDir ?? join(dirname(configPath), "state");
}

export async function readAgentConfig(path: string): Promise<AgentConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new Error(`cannot read agent config ${path}: ${(e as Error).message}`);
  }
  const parsed = AgentConfig.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `invalid agent config ${path}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

/** Written atomically with mode 0600: the file holds the credential. */
export async function writeSecretFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export async function writeAgentConfig(path: string, config: AgentConfigInput): Promise<void> {
  await writeSecretFile(path, `${JSON.stringify(AgentConfig.parse(config), null, 2)}\n`);
}
