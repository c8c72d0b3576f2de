import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * Secrets the console must read back (IPsec pre-shared keys, webhook signing secrets, rendered files holding the
 * key) are sealed with AES-256-GCM. The key comes from DMVPN_SECRET_KEY (base64 of 32 bytes) or from a key file
 * created on first run (data/secret.key, mode 0600). Losing the key makes every sealed value unreadable: back
 * the file up together with the database, but not in the same place.
 */

/** Marks a sealed value, so rows written before sealing existed (plain text) keep working. */
export const SEALED_PREFIX = "sealed:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

const keySchema = z
  .string()
  .trim()
  .transform((s) => Buffer.from(s, "base64"))
  .refine((b) => b.length === 32, "must be base64 of exactly 32 bytes");

let cachedKey: Buffer | undefined;

/** Repository root: the console runs from apps/console (dev) or the repository root (npm start). */
function defaultKeyFile(): string {
  const cwd = process.cwd();
  const root = path.basename(path.dirname(cwd)) === "apps" ? path.resolve(cwd, "../..") : cwd;
  return path.join(root, "data", "secret.key");
}

export function loadSecretKey(env: Record<string, string | undefined> = process.env): Buffer {
  if (env.DMVPN_SECRET_KEY) {
    const parsed = keySchema.safeParse(env.DMVPN_SECRET_KEY);
    if (!parsed.success) throw new Error("DMVPN_SECRET_KEY must be base64 of exactly 32 bytes");
    return parsed.data;
  }
  const file = env.DMVPN_SECRET_KEY_FILE ?? defaultKeyFile();
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    // "wx": never overwrite a key another process has just written.
    try {
      writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    chmodSync(file, 0o600);
  }
  const parsed = keySchema.safeParse(readFileSync(file, "utf8"));
  if (!parsed.success) throw new Error(`the key file ${file} must hold base64 of exactly 32 bytes`);
  return parsed.data;
}

function secretKey(): Buffer {
  cachedKey ??= loadSecretKey();
  return cachedKey;
}

/** For tests: use this key instead of the environment's. */
export function setSecretKeyForTests(key: Buffer | undefined): void {
  cachedKey = key;
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

export function sealSecret(plain: string, key: Buffer = secretKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** Opens a sealed value; a value without the prefix is returned as stored (written before sealing). */
export function openSecret(stored: string, key: Buffer = secretKey()): string {
  if (!isSealed(stored)) return stored;
  const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("a sealed secret is truncated");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    // Never echo the value: say only what is wrong.
    throw new Error("a sealed secret cannot be opened: wrong DMVPN_SECRET_KEY or key file, or the value was altered");
  }
}
