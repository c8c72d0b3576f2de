import { parseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import { attachOptionValues } from "./cli-args";

describe("attachOptionValues", () => {
  const options = { token: { type: "string" }, config: { type: "string" }, version: { type: "boolean" } } as const;
  const valueOptions = new Set(["token", "config"]);

  it("lets a value that starts with '-' through parseArgs", () => {
    const argv = ["enroll", "--token", "-Ab_c9", "--config", "/etc/x.json", "--version"];
    expect(() => parseArgs({ args: argv, options, allowPositionals: true })).toThrow(/ambiguous/);
    const { values, positionals } = parseArgs({
      args: attachOptionValues(argv, valueOptions),
      options,
      allowPositionals: true,
    });
    expect(values).toEqual({ token: "-Ab_c9", config: "/etc/x.json", version: true });
    expect(positionals).toEqual(["enroll"]);
  });

  it("leaves --name=value, flags, a trailing option and everything after -- alone", () => {
    expect(attachOptionValues(["--token=-x", "--version", "--config"], valueOptions)).toEqual([
      "--token=-x",
      "--version",
      "--config",
    ]);
    expect(attachOptionValues(["--", "--token", "x"], valueOptions)).toEqual(["--", "--token", "x"]);
  });
});
