import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { onlyRepeatedNhrpEntries, parseReloadTest, reloadErrors, remainingDiff } from "./frr-reload";

// What FRR 8.4.4's frr-reload.py --test printed against nhrpd/bgpd in a path space, after a reload that "failed".
const TEST_OUTPUT = `2026-12-01 13:08:35,349  INFO: Loading Config object from file spoke.conf
2026-12-01 13:08:35,406  INFO: "frr version 8.4.4" cannot be removed

Lines To Delete
===============
no hostname vm

Lines To Add
============
hostname spoke1
service integrated-vtysh-config
`;

const RELOAD_LOG = `2026-12-01 13:08:31,355  INFO: Executed "no hostname vm"
% Can't open configuration file /etc/frr/tst1/vtysh.conf due to 'No such file or directory'.
['hostname spoke1\\n',
 'interface gre1\\n ip nhrp nhs dynamic nbma 203.0.113.1\\n']
% Entry exists already
line 21: Failure to communicate[13] to nhrpd, line:  ip nhrp nhs dynamic nbma 203.0.113.1
% Entry exists already
2026-12-01 13:08:31,521 WARNING: frr-reload.py failed due to
vtysh (exec file) exited with status 13`;

describe("frr-reload.py output", () => {
  it("reads the two sections of --test", () => {
    expect(parseReloadTest(TEST_OUTPUT)).toEqual({
      toDelete: ["no hostname vm"],
      toAdd: ["hostname spoke1", "service integrated-vtysh-config"],
    });
    expect(parseReloadTest("Lines To Delete\n===============\n\nLines To Add\n============\n")).toEqual({
      toDelete: [],
      toAdd: [],
    });
  });

  it("ignores only the lines a path-space FRR never shows", () => {
    expect(remainingDiff(parseReloadTest(TEST_OUTPUT))).toEqual({ toDelete: [], toAdd: [] });
    expect(
      remainingDiff({ toDelete: ["no hostname vm"], toAdd: ["interface gre1\n ip nhrp shortcut", "hostname a"] }),
    ).toEqual({ toDelete: [], toAdd: ["interface gre1\n ip nhrp shortcut"] });
  });

  it("keeps FRR's own error lines from a long reload log", () => {
    expect(reloadErrors(RELOAD_LOG).split("\n")).toEqual([
      "% Entry exists already",
      "line 21: Failure to communicate[13] to nhrpd, line:  ip nhrp nhs dynamic nbma 203.0.113.1",
      "2026-12-01 13:08:31,521 WARNING: frr-reload.py failed due to",
    ]);
  });
});

describe("a failed reload that only re-sent NHRP entries", () => {
  const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

  it("is recognised in the real output of FRR 8.4.4's frr-reload.py (exit 1, --test then shows nothing to add)", () => {
    const output =
      fixture("frr-8.4.4-reload-repeated-nhs.stdout.txt") + fixture("frr-8.4.4-reload-repeated-nhs.stderr.txt");
    expect(onlyRepeatedNhrpEntries(output)).toBe(true);
  });

  it("is not claimed when any other error shows", () => {
    expect(onlyRepeatedNhrpEntries(fixture("frr-8.4.4-reload-unknown-command.output.txt"))).toBe(false);
    const repeated = fixture("frr-8.4.4-reload-repeated-nhs.stderr.txt");
    expect(onlyRepeatedNhrpEntries(`${repeated}% Unknown command: ip nhrp foo\n`)).toBe(false);
    expect(
      onlyRepeatedNhrpEntries(`${repeated}line 30: Failure to communicate[13] to bgpd, line:  neighbor 10.255.0.1\n`),
    ).toBe(false);
    expect(
      onlyRepeatedNhrpEntries(
        `${repeated}2026-12-06 03:01:26,457  ERROR: "no ip nhrp shortcut" we failed to remove this command\n`,
      ),
    ).toBe(false);
    // a reload that failed without saying why
    expect(onlyRepeatedNhrpEntries("vtysh (exec file) exited with status 13\n")).toBe(false);
  });
});
