import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emulateVtyshBatch } from "../../collectors/vtysh-batch-emulation";
import { ApplyError } from "../driver";
import type { CommandResult, CommandRunner } from "../exec";
import { commitConfirmMinutes, configLines } from "./vyos-commands";
import { VyosDriver } from "./vyos-driver";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../../collectors/fixtures", name), "utf8");

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

describe("VyOS status", () => {
  it("1.4 reads NHRP from opennhrpctl and BGP from vtysh", async () => {
    const { calls, run } = recorder((argv) => {
      if (argv.includes("opennhrpctl")) return { stdout: fixture("opennhrp-show.txt") };
      if (argv[0] === "vtysh") return { stdout: fixture("frr-bgp-summary.json") };
      if (argv[0] === "swanctl") return { stdout: fixture("swanctl-list-sas-pretty.txt") };
      if (argv[0] === "ip") return { stdout: fixture("ip-link-gre1.json") };
      return { exitCode: 127 };
    });
    const s = await new VyosDriver({ version: "1.4", stateDir: stateDir(), run }).collectStatus();
    expect(s.nhs.map((n) => n.registered)).toEqual([true, false]);
    expect(s.bgpNeighbors).toHaveLength(2);
    expect(s.ipsecSas).toHaveLength(3);
    expect(calls.some((c) => c.argv.join(" ") === "sudo opennhrpctl show")).toBe(true);
    expect(calls.some((c) => c.argv.join(" ") === "ip -j -s link show dev tun0")).toBe(true);
  });

  it("1.5 reads NHRP from vtysh JSON, treating '% No entries' (exit 1) as empty", async () => {
    const { run } = recorder((batch) =>
      emulateVtyshBatch(batch, (argv) => {
        const cmd = argv.at(-1) ?? "";
        if (cmd === "show ip nhrp cache json") return { stdout: fixture("frr-nhrp-cache.json") };
        if (cmd === "show ip nhrp nhs json") return { stdout: fixture("frr-nhrp-nhs.json") };
        if (cmd === "show ip nhrp shortcut json") return { stdout: fixture("frr-nhrp-shortcut.txt") };
        if (cmd.startsWith("show dmvpn")) return { stdout: fixture("frr-no-entries.txt"), exitCode: 1 };
        if (cmd.startsWith("show bgp")) return { stdout: "{}" };
        return { exitCode: 1, stderr: "not found" };
      }),
    );
    const s = await new VyosDriver({ version: "1.5", stateDir: stateDir(), run }).collectStatus();
    expect(s.nhrpCache).toHaveLength(4);
    expect(s.nhs[0]!.registered).toBe(true);
    expect(s.shortcuts).toHaveLength(2);
    expect(s.dmvpnPeers).toEqual([]);
    expect(s.ipsecSas).toEqual([]);
    expect(s.tunnels).toEqual([]);
  });
});
