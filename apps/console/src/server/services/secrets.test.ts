import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSealed, loadSecretKey, openSecret, SEALED_PREFIX, sealSecret } from "./secrets";

const key = randomBytes(32);

describe("secrets", () => {
  it("round-trips any string and never stores it in clear", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, unit: "grapheme" }), (plain) => {
        const sealed = sealSecret(plain, key);
        expect(sealed.startsWith(SEALED_PREFIX)).toBe(true);
        expect(sealed).not.toContain(plain);
        expect(openSecret(sealed, key)).toBe(plain);
      }),
    );
  });

  it("uses a fresh IV each time and rejects tampering or the wrong key", () => {
    const a = sealSecret("psk-value", key);
    expect(sealSecret("psk-value", key)).not.toBe(a);
    const raw = Buffer.from(a.slice(SEALED_PREFIX.length), "base64");
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    expect(() => openSecret(SEALED_PREFIX + raw.toString("base64"), key)).toThrow(/cannot be opened/);
    expect(() => openSecret(a, randomBytes(32))).toThrow(/cannot be opened/);
  });

  it("reads values stored before sealing as they are", () => {
    expect(isSealed("plain-old-psk")).toBe(false);
    expect(openSecret("plain-old-psk", key)).toBe("plain-old-psk");
  });

  it("creates a 0600 key file on first run and reuses it; validates DMVPN_SECRET_KEY", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "dmvpn-key-")), "data", "secret.key");
    const first = loadSecretKey({ DMVPN_SECRET_KEY_FILE: file });
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretKey({ DMVPN_SECRET_KEY_FILE: file })).toEqual(first);
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64")).toEqual(first);
    const envKey = randomBytes(32);
    expect(loadSecretKey({ DMVPN_SECRET_KEY: envKey.toString("base64") })).toEqual(envKey);
    expect(() => loadSecretKey({ DMVPN_SECRET_KEY: "c2hvcnQ=" })).toThrow(/32 bytes/);
  });
});
