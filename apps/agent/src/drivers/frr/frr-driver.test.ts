import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandRunner } from "../exec";
import { FrrDriver } from "./frr-driver";

const EMPTY_TABLE = JSON.stringify({ attr: { entriesCount: 0 }, table: [] });

/** Records every argv and answers like an idle router with empty tables. */
function fakeRouter() {
  const calls: string[][] = [];
  const run: CommandRunner = async (argv) => {
    calls.push(argv);
    const joined = argv.join(" ");
    if (joined.includes("bgp")) return { stdout: "{}", stderr: "", exitCode: 0 };
    if (joined.includes("show dmvpn")) return { stdout: "[]", stderr: "", exitCode: 0 };
    if (joined.includes("show ")) return { stdout: EMPTY_TABLE, stderr: "", exitCode: 0 };
    if (argv[0] === "ip") return { stdout: "[]", stderr: "", exitCode: 0 };
    return { stdout: "", stderr: "", exitCode: 0 };
  };
  return { calls, run };
}

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("FrrDriver and IPsec", () => {
  it("asks swanctl for SAs only while a deployment carried a swanctl.conf, and unloads it when IPsec goes", async () => {
    dir = mkdtempSync(join(tmpdir(), "frr-driver-"));
    const dropIn = join(dir, "dmvpn-agent.conf");
    const { calls, run } = fakeRouter();
    const driver = new FrrDriver({ stateDir: dir, swanctlConfPath: dropIn, run, frrReload: "frr-reload.py" });
    const swanctlCalls = () => calls.filter((c) => c[0] === "swanctl").map((c) => c.join(" "));

    await driver.collectStatus();
    expect(swanctlCalls()).toEqual([]);

    await driver.applyConfig(
      [
        { name: "frr.conf", content: "hostname r1\n" },
        { name: "swanctl.conf", content: "connections {}\n" },
      ],
      { confirmWindowSeconds: 60 },
    );
    expect(existsSync(dropIn)).toBe(true);
    await driver.collectStatus();
    expect(swanctlCalls()).toEqual(["swanctl --load-all", "swanctl --list-sas --pretty"]);

    calls.length = 0;
    await driver.applyConfig([{ name: "frr.conf", content: "hostname r1\n" }], { confirmWindowSeconds: 60 });
    expect(existsSync(dropIn)).toBe(false);
    expect(swanctlCalls()).toEqual(["swanctl --load-all"]);
    calls.length = 0;
    await driver.collectStatus();
    expect(swanctlCalls()).toEqual([]);
  });
});
