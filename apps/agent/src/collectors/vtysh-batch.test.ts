import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandRunner } from "../drivers/exec";
import { collectRouterStatus, runVtyshBatch } from "./collect";
import { emulateVtyshBatch } from "./vtysh-batch-emulation";
import { parseVtyshJson, splitVtyshBatch } from "./vtysh-output";

/** Real output of FRR 8.4.4's vtysh with -E and several -c (see fixtures/vtysh-batch/SOURCE.md). */
const capture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures/vtysh-batch", name), "utf8");

const FIVE_SHOWS = [
  "show ip nhrp cache json",
  "show ip nhrp nhs json",
  "show ip nhrp shortcut json",
  "show dmvpn json",
  "show bgp ipv4 unicast summary json",
];

describe("splitVtyshBatch on real vtysh 8.4.4 output", () => {
  it("gives each command its own output, each of them valid JSON", () => {
    const parts = splitVtyshBatch(capture("frr-8.4.4-five-shows.txt"), FIVE_SHOWS, 0);
    expect(parts.map((p) => [p.command, p.ran, p.exitCode])).toEqual(FIVE_SHOWS.map((c) => [c, true, 0]));
    const json = parts.map((p) => parseVtyshJson(p.stdout, p.exitCode));
    expect(json.slice(0, 3)).toEqual([0, 1, 2].map(() => ({ attr: { entriesCount: 0 }, table: [] })));
    expect(json[3]).toEqual([]);
    expect(json[4]).toMatchObject({ as: 65000, peers: { "10.255.0.1": { state: "Active" } } });
  });

  it("stops where vtysh stopped: the failed command gets the exit status, the rest did not run", () => {
    const parts = splitVtyshBatch(capture("frr-8.4.4-nhrpd-down.txt"), FIVE_SHOWS, 1);
    expect(parts.map((p) => [p.ran, p.exitCode, p.stdout.trim()])).toEqual([
      [true, 1, ""],
      ...FIVE_SHOWS.slice(1).map(() => [false, 1, ""]),
    ]);
  });

  it("keeps what ran before a failure", () => {
    const commands = ["show bgp ipv4 unicast summary json", "show ip nhrp cache json"];
    const [bgp, cache] = splitVtyshBatch(capture("frr-8.4.4-bgp-then-nhrpd-down.txt"), commands, 1);
    expect(bgp).toMatchObject({ ran: true, exitCode: 0 });
    expect(parseVtyshJson(bgp!.stdout, bgp!.exitCode)).toMatchObject({ peerCount: 1 });
    expect(cache).toMatchObject({ ran: true, exitCode: 1, stdout: "" });
  });

  it("does not take a command's echo for the next one's when a command repeats in the output", () => {
    const out = "r1# show a\nr1# show b\nx\nr1# show b\ny\n";
    expect(splitVtyshBatch(out, ["show a", "show b", "show b"], 0).map((p) => p.stdout)).toEqual(["", "x", "y\n"]);
  });
});

describe("runVtyshBatch", () => {
  const recording = (single: (argv: string[]) => { stdout?: string; exitCode?: number }) => {
    const calls: string[][] = [];
    const run: CommandRunner = async (argv) => {
      calls.push(argv);
      return { stdout: "", stderr: "", exitCode: 0, ...emulateVtyshBatch(argv, single) };
    };
    return { calls, run };
  };
  const options = (run: CommandRunner) => ({
    run,
    vtysh: ["vtysh", "-N", "hub1"],
    wrap: (argv: string[]) => argv,
    tunnelInterface: "gre1",
    nhrp: "frr" as const,
  });

  it("asks vtysh once for every show of a collection", async () => {
    const { calls, run } = recording((argv) => ({ stdout: argv.at(-1)?.includes("dmvpn") ? "[]" : "{}" }));
    await collectRouterStatus(options(run)).catch(() => {});
    const vtysh = calls.filter((c) => c[0] === "vtysh");
    expect(vtysh).toEqual([["vtysh", "-N", "hub1", "-E", ...FIVE_SHOWS.flatMap((c) => ["-c", c])]]);
  });

  it("names the command that failed when a collection fails", async () => {
    const { run } = recording((argv) =>
      argv.at(-1) === "show ip nhrp cache json" ? { stdout: "", exitCode: 1 } : { stdout: "{}" },
    );
    await expect(collectRouterStatus(options(run))).rejects.toThrow(
      /^show ip nhrp cache json: vtysh exited 1 without JSON/,
    );
  });

  it("runs again, in a further call, the commands vtysh did not reach after a failure", async () => {
    const { calls, run } = recording((argv) =>
      argv.at(-1) === "show ip nhrp nhs json" ? { stdout: "", exitCode: 1 } : { stdout: "{}" },
    );
    const out = await runVtyshBatch(options(run), FIVE_SHOWS);
    expect(out.map((o) => [o.command, o.exitCode])).toEqual(FIVE_SHOWS.map((c) => [c, c.includes("nhs") ? 1 : 0]));
    expect(calls.map((c) => c.filter((_, i) => c[i - 1] === "-c"))).toEqual([FIVE_SHOWS, FIVE_SHOWS.slice(2)]);
  });

  it("hands every command vtysh's own complaint when it printed no echo at all (no daemon to talk to)", async () => {
    const stderr = capture("frr-8.4.4-no-daemon.stderr.txt");
    const run: CommandRunner = async () => ({ stdout: "", stderr, exitCode: 1 });
    const out = await runVtyshBatch(options(run), FIVE_SHOWS.slice(0, 2));
    expect(out.map((o) => [o.ran, o.exitCode])).toEqual([
      [false, 1],
      [false, 1],
    ]);
    expect(() => parseVtyshJson(out[0]!.stdout, out[0]!.exitCode)).toThrow(/failed to connect to any daemons/);
  });
});
