import { z } from "zod";

/** Environment checked once at start-up; every other module reads settings from here. */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().optional(),
  /** Public URL agents and install commands use, e.g. https://dmvpn.example.net (defaults to http://localhost:PORT) */
  PUBLIC_URL: z.url().optional(),
  /** Set when the console is served over TLS (directly or behind a proxy): cookies get the Secure flag. */
  SECURE_COOKIES: z.enum(["true", "false", "auto"]).default("auto"),
  /** "true" lets webhooks target private, loopback and CGNAT addresses (never link-local/metadata or the console). */
  WEBHOOK_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
  /**
   * Addresses or CIDRs (comma-separated) of the reverse proxies in front of the console, whose X-Forwarded-For is
   * believed. Unset: the socket's peer is the client, and X-Forwarded-For is ignored (a client can write it).
   */
  TRUST_PROXY: z.string().default(""),
  /** Site events (registrations, shortcuts, agent online/offline…) older than this many days are deleted. */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** At most this many site events are kept; beyond it the oldest are deleted. */
  EVENT_RETENTION_ROWS: z.coerce.number().int().min(1000).default(1_000_000),
  /**
   * Set to run several console instances on one PostgreSQL database (docs/several-instances.md): they share
   * agents' presence, events, deployment leases and sign-in limits through this Redis. Unset: one process, no Redis.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
  /** Every Redis key and channel of this console starts with it (several consoles on one Redis stay apart). */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "letters, digits and _.:- only, at most 64")
    .default("dmvpn:"),
  /** This instance's name among the others; stable across its restarts. Default: host name and port. */
  CONSOLE_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "letters, digits and _.:- only, at most 100")
    .optional(),
  /** How long an agent stays "held" by an instance that stopped refreshing it (a dead instance's agents). */
  AGENT_PRESENCE_TTL_MS: z.coerce.number().int().min(500).max(600_000).default(45_000),
  /** How long after a deployment's runner dies another instance resumes it. */
  DEPLOYMENT_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
});

export type ConsoleEnv = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): ConsoleEnv {
  // an empty REDIS_URL (a compose file's `REDIS_URL=`) means unset: the single-process console
  const parsed = envSchema.safeParse(source.REDIS_URL === "" ? { ...source, REDIS_URL: undefined } : source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`invalid environment:\n${lines}`);
  }
  return parsed.data;
}
