import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSmoke, type SmokeRun, timingReport } from "./host/smoke-run";
import { parseNhrpCache, parseNhrpNhs, parseNhrpShortcuts } from "./vm/frr-status";

// One VM boot for the whole file: the scenario runs once and every test checks one of its outcomes, from the
// scenario's own result and from the raw FRR output it captured at that moment.
let run: SmokeRun;

const captured = async (moment: string, router: string, slug: string) => {
  const dir = join(run.vm.runDir, "captures", moment, router);
  const stdout = await readFile(join(dir, `${slug}.txt`), "utf8");
  const exitCode = Number((await readFile(join(dir, `${slug}.exit`), "utf8")).trim());
  return { stdout, stderr: "", exitCode };
};

beforeAll(async () => {
  run = await runSmoke({ timeoutMs: 20 * 60_000 });
});

afterAll(() => {
  if (run) console.log(`lab smoke run dir ${run.vm.runDir}\n${timingReport(run)}`);
});

describe("DMVPN smoke in the lab VM (FRR nhrpd, 2 hubs, 3 spokes)", () => {
  it("boots the VM, runs the scenario to the end and leaves a result", () => {
    expect(run.vm.timedOut).toBe(false);
    expect(run.vm.bootMs).not.toBeNull();
    expect(run.result).not.toBeNull();
    expect(run.result?.phases.topology.ok, run.result?.phases.topology.detail).toBe(true);
  });

  it("lets a router namespace reach a service on the host's 127.0.0.1 through 10.0.2.2", () => {
    expect(run.result?.hostProbe.ok, run.result?.hostProbe.detail).toBe(true);
    expect(run.probeLines).toContain(run.result?.hostProbe.detail);
  });

  it("registers every public spoke with both hubs", async () => {
    expect(run.result?.phases.registered.ok, run.result?.phases.registered.detail).toBe(true);
    for (const spoke of ["spoke1", "spoke2"]) {
      const nhs = parseNhrpNhs(await captured("registered", spoke, "show-ip-nhrp-nhs-json"));
      expect(nhs.map((n) => [n.nbma, n.protocol]).sort()).toEqual([
        ["203.0.113.1", "10.255.0.1"],
        ["203.0.113.2", "10.255.0.2"],
      ]);
      const cache = parseNhrpCache(await captured("registered", spoke, "show-ip-nhrp-cache-json"));
      expect(
        cache
          .filter((c) => c.type === "nhs")
          .map((c) => c.protocol)
          .sort(),
      ).toEqual(["10.255.0.1", "10.255.0.2"]);
    }
    const hubCache = parseNhrpCache(await captured("registered", "hub1", "show-ip-nhrp-cache-json"));
    expect(hubCache.filter((c) => c.type === "dynamic").map((c) => c.protocol)).toEqual(
      expect.arrayContaining(["10.255.0.11", "10.255.0.12"]),
    );
  });

  it("establishes BGP between every public spoke and both hubs", () => {
    expect(run.result?.phases.bgp.ok, run.result?.phases.bgp.detail).toBe(true);
  });

  it("builds a spoke-to-spoke shortcut when the LANs talk", async () => {
    expect(run.result?.phases.shortcut.ok, run.result?.phases.shortcut.detail).toBe(true);
    const shortcuts = parseNhrpShortcuts(await captured("shortcut-up", "spoke1", "show-ip-nhrp-shortcut-json"));
    expect(shortcuts.some((s) => s.prefix.startsWith("192.168.12.") && s.via === "10.255.0.12")).toBe(true);
    const cache = parseNhrpCache(await captured("shortcut-up", "spoke1", "show-ip-nhrp-cache-json"));
    expect(cache.find((c) => c.protocol === "10.255.0.12")).toMatchObject({ type: "dynamic", nbma: "203.0.113.12" });
    const dmvpn = JSON.parse((await captured("shortcut-up", "spoke1", "show-dmvpn-json")).stdout) as { dst: string }[];
    expect(dmvpn.map((d) => d.dst)).toContain("203.0.113.12");
  });

  it("lets the shortcut expire after the holdtime without traffic", async () => {
    expect(run.result?.phases.shortcutExpired.ok, run.result?.phases.shortcutExpired.detail).toBe(true);
    const shortcuts = parseNhrpShortcuts(await captured("shortcut-expired", "spoke1", "show-ip-nhrp-shortcut-json"));
    expect(shortcuts.some((s) => s.prefix.startsWith("192.168.12."))).toBe(false);
  });

  it("keeps spokes reaching each other through hub2 when hub1's nhrpd stops", () => {
    expect(run.result?.phases.failover.ok, run.result?.phases.failover.detail).toBe(true);
    expect(run.result?.observations.registeredAfterHubFailure).toEqual({ spoke1: ["hub2"], spoke2: ["hub2"] });
  });

  it("exits the scenario with status 0 and leaves no qemu running", async () => {
    expect(run.vm.exitCode).toBe(0);
    const qemuForThisRun = await new Promise<string>((resolve) =>
      execFile("pgrep", ["-f", run.vm.runDir], (_error, stdout) => resolve(String(stdout).trim())),
    );
    expect(qemuForThisRun).toBe("");
  });
});
