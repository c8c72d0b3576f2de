import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ApplyError } from "../driver";
import type { CommandResult, CommandRunner } from "../exec";
import { commitConfirmMinutes, configLines } from "./vyos-commands";
import { VyosDriver } from "./vyos-driver";

/** Records every command and the vbash script it ran; answers from a table. */
function recorder(answer: (argv: string[], script: string | null) => Partial<CommandResult> = () => ({})) {
  const calls: { argv: string[]; script: string | null; input?: string }[] = [];
  const run: CommandRunner = async (argv, options) => {
    const script = argv[0] === "vbash" ? readFileSync(argv[1]!, "utf8") : null;
    calls.push({ argv, script, input: options?.input });
    return { stdout: "", stderr: "", exitCode: 0, ...answer(argv, script) };
  };
  return { calls, run };
}

const dirs: string[] = [];
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), "vyos-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const commands = [
  "set interfaces tunnel tun0 address '10.255.0.11/32'",
  "set protocols nhrp tunnel tun0 nhs tunnel-ip 'dynamic' nbma '203.0.113.1'",
  "",
  "# comment lines are skipped",
].join("\n");

describe("VyOS command sequences", () => {
  it("applies set commands in one session ending with commit-confirm, answering the prompt", async () => {
    const { calls, run } = recorder();
    const d = new VyosDriver({ version: "1.5", stateDir: stateDir(), run });
    await d.applyConfig([{ name: "commands.vyos", content: commands }], { confirmWindowSeconds: 120 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.input).toBe("y\n");
    expect(calls[0]!.script!.split("\n")).toEqual([
      "source /opt/vyatta/etc/functions/script-template",
      "configure",
      "set interfaces tunnel tun0 address '10.255.0.11/32'",
      "set protocols nhrp tunnel tun0 nhs tunnel-ip 'dynamic' nbma '203.0.113.1'",
      "commit-confirm 3",
      "exit",
      "",
    ]);
  });

  it("confirms with confirm + save", async () => {
    const { calls, run } = recorder();
    await new VyosDriver({ version: "1.4", stateDir: stateDir(), run }).confirm();
    expect(calls[0]!.script).toContain("configure\nconfirm\nsave\nexit");
  });

  it("saves the running config to a file and rolls back by loading it", async () => {
    const dir = stateDir();
    const { calls, run } = recorder((_argv, script) => {
      const m = script?.match(/^save (\S+)$/m);
      if (m) writeFileSync(m[1]!, "interfaces {\n}\n");
      return {};
    });
    const d = new VyosDriver({ version: "1.5", stateDir: dir, run });
    const saved = await d.readRunningConfig();
    expect(saved.files).toEqual([{ name: "config.boot", content: "interfaces {\n}\n" }]);
    await d.rollback(saved);
    const script = calls[1]!.script!;
    expect(script).toMatch(/configure\nconfirm\nload \S+rollback\.config\.boot\ncommit\nsave\nexit/);
    expect(readFileSync(join(dir, "rollback.config.boot"), "utf8")).toBe("interfaces {\n}\n");
  });

  it("reports VyOS's commit error text", async () => {
    const { run } = recorder(() => ({
      stdout: "[ protocols nhrp ]\nTunnel address must be /32\n\nCommit failed\n",
      exitCode: 0,
    }));
    const d = new VyosDriver({ version: "1.5", stateDir: stateDir(), run });
    const err = await d.applyConfig([{ name: "c", content: commands }], { confirmWindowSeconds: 60 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApplyError);
    expect(err.message).toMatch(/must be \/32[\s\S]*Commit failed/);
  });

  it("refuses anything that is not a plain set/delete line (the script runs in a shell)", () => {
    for (const bad of [
      "set system host-name x; reboot",
      "run reboot now",
      "set a $(id)",
      "set a 'b' `id`",
      "set a 'it''s'",
    ]) {
      expect(() => configLines([{ name: "c", content: bad }]), bad).toThrow(ApplyError);
    }
    expect(
      configLines([{ name: "c", content: "delete protocols nhrp\nset protocols nhrp tunnel tun0 holdtime '300'" }]),
    ).toHaveLength(2);
    expect(commitConfirmMinutes(60)).toBe(2);
  });
});
