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
});

export type ConsoleEnv = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): ConsoleEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`invalid environment:\n${lines}`);
  }
  return parsed.data;
}
