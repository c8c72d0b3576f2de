import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { emulateVtyshBatch } from "../../collectors/vtysh-batch-emulation";
import type { CommandRunner } from "../exec";
import { FrrDriver } from "./frr-driver";

const EMPTY_TABLE = JSON.stringify({ attr: { entriesCount: 0 }, table: [] });

/** Records every argv and answers like an idle router with empty tables. */
function fakeRouter() {
  const calls: string[][] = [];
  const one = (argv: string[]) => {
    const joined = argv.join(" ");
    if (joined.includes("bgp")) return { stdout: "{}" };
    if (joined.includes("show dmvpn")) return { stdout: "[]" };
    if (joined.includes("show ")) return { stdout: EMPTY_TABLE };
    if (argv[0] === "ip") return { stdout: "[]" };
    return {};
  };
  const run: CommandRunner = async (argv) => {
    calls.push(argv);
    return { stdout: "", stderr: "", exitCode: 0, ...emulateVtyshBatch(argv, one) };
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

    await driver.applyConfig([
      { name: "frr.conf", content: "hostname r1\n" },
      { name: "swanctl.conf", content: "connections {}\n" },
    ]);
    expect(existsSync(dropIn)).toBe(true);
    await driver.collectStatus();
    expect(swanctlCalls()).toEqual(["swanctl --load-all", "swanctl --list-sas --pretty"]);

    calls.length = 0;
    await driver.applyConfig([{ name: "frr.conf", content: "hostname r1\n" }]);
    expect(existsSync(dropIn)).toBe(false);
    expect(swanctlCalls()).toEqual(["swanctl --load-all"]);
    calls.length = 0;
    await driver.collectStatus();
    expect(swanctlCalls()).toEqual([]);
  });

  it("a charon of its own: swanctl with its arguments, the rendered file loaded alone, emptied when IPsec goes", async () => {
    dir = mkdtempSync(join(tmpdir(), "frr-driver-"));
    const own = join(dir, "swanctl-r1.conf");
    const { calls, run } = fakeRouter();
    const driver = new FrrDriver({
      stateDir: dir,
      netns: "r1",
      swanctlConfPath: own,
      swanctlLoadAlone: true,
      swanctlArgs: ["--uri", "unix:///run/lab/r1.vici"],
      run,
      frrReload: "frr-reload.py",
    });
    const swanctlCalls = () =>
      calls.filter((c) => c.includes("swanctl")).map((c) => c.slice(c.indexOf("swanctl")).join(" "));
    await driver.applyConfig([
      { name: "frr.conf", content: "hostname r1\n" },
      { name: "swanctl.conf", content: "connections {}\n" },
    ]);
    expect(readFileSync(own, "utf8")).toBe("connections {}\n");
    await driver.collectStatus();
    expect(swanctlCalls()).toEqual([
      `swanctl --load-all --file ${own} --uri unix:///run/lab/r1.vici`,
      "swanctl --list-sas --pretty --uri unix:///run/lab/r1.vici",
    ]);
    // inside the router's namespace
    expect(calls.find((c) => c.includes("--load-all"))?.join(" ")).toContain("r1");

    calls.length = 0;
    await driver.applyConfig([{ name: "frr.conf", content: "hostname r1\n" }]);
    expect(readFileSync(own, "utf8")).toBe("");
    expect(swanctlCalls()).toEqual([`swanctl --load-all --file ${own} --uri unix:///run/lab/r1.vici`]);
  });
});

describe("FrrDriver and frr-reload.py", () => {
  const reloadingRouter = (testOutput: string) => {
    const calls: string[] = [];
    const run: CommandRunner = async (argv) => {
      calls.push(argv.join(" "));
      if (argv.includes("--reload"))
        return {
          stdout: "% Entry exists already\nline 21: Failure to communicate[13] to nhrpd",
          stderr: "",
          exitCode: 1,
        };
      if (argv.includes("--test")) return { stdout: testOutput, stderr: "", exitCode: 0 };
      return { stdout: "", stderr: "", exitCode: 0 };
    };
    return { calls, run };
  };

  it("accepts a reload that exited non-zero when nothing but vtysh-only lines still differs", async () => {
    dir = mkdtempSync(join(tmpdir(), "frr-driver-"));
    const { calls, run } = reloadingRouter(
      "Lines To Delete\n===============\nno hostname vm\n\nLines To Add\n============\nhostname r1\n",
    );
    const driver = new FrrDriver({ stateDir: dir, run, frrReload: "frr-reload.py", vtyshArgs: ["-N", "r1"] });
    await driver.applyConfig([{ name: "frr.conf", content: "hostname r1\n" }]);
    expect(calls.filter((c) => c.startsWith("frr-reload.py"))).toEqual([
      `frr-reload.py --reload --stdout --pathspace r1 ${join(dir, "frr-files", "frr.conf.candidate")}`,
      `frr-reload.py --test --stdout --pathspace r1 ${join(dir, "frr-files", "frr.conf.candidate")}`,
    ]);
  });

  it("fails with FRR's error and what is still missing when the config did not converge", async () => {
    dir = mkdtempSync(join(tmpdir(), "frr-driver-"));
    const { run } = reloadingRouter(
      "Lines To Delete\n===============\n\nLines To Add\n============\ninterface gre1\n ip nhrp shortcut\n",
    );
    const driver = new FrrDriver({ stateDir: dir, run, frrReload: "frr-reload.py" });
    const error = await driver.applyConfig([{ name: "frr.conf", content: "hostname r1\n" }]).catch((e) => e);
    expect(error.message).toContain("frr-reload.py exited 1: % Entry exists already");
    expect(error.message).toContain("still different from the new config:\n+ interface gre1");
  });
});

describe("FrrDriver apply order", () => {
  it("runs gre.sh again after frr-reload.py, which rewrites the GRE device when `tunnel source` changes", async () => {
    dir = mkdtempSync(join(tmpdir(), "frr-driver-"));
    const { calls, run } = fakeRouter();
    const driver = new FrrDriver({ stateDir: dir, run, frrReload: "frr-reload.py" });
    await driver.applyConfig([
      { name: "gre.sh", content: "ip tunnel change gre1 mode gre key 42 ttl 64 dev eth0\n" },
      { name: "frr.conf", content: "hostname r1\n" },
    ]);
    const gre = join(dir, "frr-files", "gre.sh");
    const candidate = join(dir, "frr-files", "frr.conf.candidate");
    expect(calls.map((c) => c.join(" "))).toEqual([
      `vtysh --dryrun -f ${candidate}`,
      `sh -e ${gre}`,
      `frr-reload.py --reload --stdout ${candidate}`,
      `sh -e ${gre}`,
    ]);
  });
});

describe("FrrDriver with FRR and strongSwan under another root (frrRoot)", () => {
  it("runs vtysh, frr-reload.py and swanctl chrooted, and gre.sh, ip and ping on the host", async () => {
    dir = mkdtempSync(join(tmpdir(), "frr-driver-"));
    const { calls, run } = fakeRouter();
    const own = join(dir, "swanctl-r1.conf");
    const driver = new FrrDriver({
      stateDir: dir,
      frrRoot: "/srv/trixie",
      vtyshArgs: ["-N", "r1"],
      swanctlConfPath: own,
      swanctlLoadAlone: true,
      swanctlArgs: ["--uri", "unix:///var/tmp/charon/r1/charon.vici"],
      run,
      frrReload: "/usr/lib/frr/frr-reload.py",
    });
    await driver.applyConfig([
      { name: "gre.sh", content: "ip tunnel add gre1 mode gre key 42 ttl 64 dev eth0\n" },
      { name: "frr.conf", content: "hostname r1\n" },
      { name: "swanctl.conf", content: "connections {}\n" },
    ]);
    const gre = join(dir, "frr-files", "gre.sh");
    const candidate = join(dir, "frr-files", "frr.conf.candidate");
    const uri = "--uri unix:///var/tmp/charon/r1/charon.vici";
    expect(calls.map((c) => c.join(" "))).toEqual([
      `chroot /srv/trixie vtysh -N r1 --dryrun -f ${candidate}`,
      `sh -e ${gre}`,
      `chroot /srv/trixie swanctl --load-all --file ${own} ${uri}`,
      `chroot /srv/trixie /usr/lib/frr/frr-reload.py --reload --stdout --pathspace r1 ${candidate}`,
      `sh -e ${gre}`,
    ]);
    calls.length = 0;
    await driver.collectStatus();
    await driver.ping("192.168.12.1", "192.168.11.1", 1);
    const tools = calls.map((c) => (c[0] === "chroot" ? `chroot ${c[2]}` : c[0]));
    expect(tools).toEqual(["chroot vtysh", "ip", "chroot swanctl", "ping"]);
  });
});

describe("FrrDriver and a reload that only re-sent NHRP entries", () => {
  it("counts it as applied without a second Python run (--test)", async () => {
    dir = mkdtempSync(join(tmpdir(), "frr-driver-"));
    const real = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
    const calls: string[] = [];
    const run: CommandRunner = async (argv) => {
      calls.push(argv.join(" "));
      if (argv.includes("--reload"))
        return {
          stdout: real("frr-8.4.4-reload-repeated-nhs.stdout.txt"),
          stderr: real("frr-8.4.4-reload-repeated-nhs.stderr.txt"),
          exitCode: 1,
        };
      return { stdout: "", stderr: "", exitCode: 0 };
    };
    const driver = new FrrDriver({ stateDir: dir, run, frrReload: "frr-reload.py" });
    await driver.applyConfig([{ name: "frr.conf", content: real("frr-8.4.4-reload-repeated-nhs.candidate.conf") }]);
    expect(calls.filter((c) => c.startsWith("frr-reload.py")).map((c) => c.split(" ")[1])).toEqual(["--reload"]);
  });
});
