import { describe, expect, it } from "vitest";
import { inNetns, runCommand } from "./exec";

describe("runCommand", () => {
  it("returns output without NUL bytes (the protocol refuses them) and the exit status", async () => {
    const r = await runCommand(["sh", "-c", "printf 'a\\000b'; printf 'e\\000rr' >&2; exit 3"]);
    expect(r).toEqual({ stdout: "ab", stderr: "err", exitCode: 3 });
  });

  it("prefixes ip netns exec only when a namespace is configured", () => {
    expect(inNetns(undefined, ["ip", "link"])).toEqual(["ip", "link"]);
    expect(inNetns("r1", ["ip", "link"])).toEqual(["ip", "netns", "exec", "r1", "ip", "link"]);
  });
});
