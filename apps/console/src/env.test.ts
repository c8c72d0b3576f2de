import { describe, expect, it } from "vitest";
import { readEnv as readProcessEnv } from "./env";

/** the variables a test sets, nothing inherited from the process running it */
const readEnv = (vars: Record<string, string>) => readProcessEnv(vars as NodeJS.ProcessEnv);

describe("the console's environment: several instances", () => {
  it("needs no Redis by default: one process", () => {
    const env = readEnv({});
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.REDIS_PREFIX).toBe("dmvpn:");
    expect(env.AGENT_PRESENCE_TTL_MS).toBe(45_000);
    expect(env.DEPLOYMENT_LEASE_MS).toBe(30_000);
  });

  it("an empty REDIS_URL means unset", () => {
    expect(readEnv({ REDIS_URL: "" }).REDIS_URL).toBeUndefined();
  });

  it("takes redis:// and rediss:// URLs and the cluster settings", () => {
    const env = readEnv({
      REDIS_URL: "rediss://:secret@redis.example.net:6380/2",
      REDIS_PREFIX: "corp:",
      CONSOLE_INSTANCE_ID: "console-2",
      AGENT_PRESENCE_TTL_MS: "10000",
      DEPLOYMENT_LEASE_MS: "5000",
    });
    expect(env).toMatchObject({
      REDIS_URL: "rediss://:secret@redis.example.net:6380/2",
      REDIS_PREFIX: "corp:",
      CONSOLE_INSTANCE_ID: "console-2",
      AGENT_PRESENCE_TTL_MS: 10_000,
      DEPLOYMENT_LEASE_MS: 5000,
    });
  });

  it("refuses another scheme, naming the field and never echoing the URL (it may carry a password)", () => {
    expect(() => readEnv({ REDIS_URL: "http://:hunter2@redis:6379" })).toThrow(
      /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/,
    );
    try {
      readEnv({ REDIS_URL: "http://:hunter2@redis:6379" });
    } catch (e) {
      expect((e as Error).message).not.toContain("hunter2");
    }
  });

  it("refuses a prefix or instance id with spaces, and a presence TTL too short to refresh", () => {
    expect(() => readEnv({ REDIS_PREFIX: "a b" })).toThrow(/REDIS_PREFIX/);
    expect(() => readEnv({ CONSOLE_INSTANCE_ID: "a b" })).toThrow(/CONSOLE_INSTANCE_ID/);
    expect(() => readEnv({ AGENT_PRESENCE_TTL_MS: "10" })).toThrow(/AGENT_PRESENCE_TTL_MS/);
  });
});
