import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { NetworkSpec, SiteSpec } from "@dmvpn/inventory";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNetwork, networkShapeArbitrary } from "./__fixtures__/generated-network";
import { referenceNetwork, referenceSites } from "./__fixtures__/reference-network";
import { renderAllFor } from "./__fixtures__/render-all";
import { RenderError, type RenderTarget } from "./types";

/**
 * Every rendered frr.conf goes through its FRR version's own parser, `vtysh --dryrun -f FILE` (exit 2 on
 * errors): FRR 8.4 is the host's, FRR 10 runs in the Debian 13 root that scripts/debian-root.mjs builds (and
 * caches; the first build takes minutes).
 */
const run = promisify(execFile);
const script = new URL("../../../scripts/debian-root.mjs", import.meta.url).pathname;
let debianRoot = "";
const hostDir = mkdtempSync(join(tmpdir(), "dmvpn-vtysh-"));
const chrootDir = `/tmp/dmvpn-vtysh-${process.pid}`;

beforeAll(async () => {
  const { stdout } = await run(process.execPath, [script], { maxBuffer: 64 * 1024 * 1024 });
  debianRoot = stdout.trim();
  mkdirSync(join(debianRoot, chrootDir), { recursive: true });
}, 900_000);
afterAll(() => {
  rmSync(hostDir, { recursive: true, force: true });
  if (debianRoot) rmSync(join(debianRoot, chrootDir), { recursive: true, force: true });
});

type Version = "8.4" | "10";
const TARGET: Record<Version, RenderTarget> = { "8.4": "frr", "10": "frr-10" };

async function capture(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args);
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === "number" ? x.code : 1, output: `${x.stdout ?? ""}${x.stderr ?? ""}` };
  }
}

async function dryrun(version: Version, name: string, content: string): Promise<{ code: number; output: string }> {
  if (version === "8.4") {
    const file = join(hostDir, name);
    writeFileSync(file, content);
    return capture("/usr/bin/vtysh", ["--dryrun", "-f", file]);
  }
  writeFileSync(join(debianRoot, chrootDir, name), content);
  return capture("chroot", [debianRoot, "vtysh", "--dryrun", "-f", `${chrootDir}/${name}`]);
}

function frrConfs(network: NetworkSpec, sites: SiteSpec[], version: Version) {
  return renderAllFor(network, sites, TARGET[version]).map((r) => {
    if (r instanceof RenderError) throw r;
    return { site: r.site, content: r.files.find((f) => f.name === "frr.conf")?.content ?? "" };
  });
}

describe("the FRR versions under test", () => {
  it("are 8.4 on the host and 10.x in the Debian root", async () => {
    const host = await capture("dpkg-query", ["-W", "-f", "${Version}", "frr"]);
    const chrooted = await capture("chroot", [debianRoot, "dpkg-query", "-W", "-f", "${Version}", "frr"]);
    expect(host.output).toMatch(/^8\.4\./);
    expect(chrooted.output).toMatch(/^10\./);
  });
});

describe("NHRP authentication: FRR 10 has it, FRR 8.4 does not", () => {
  const network = referenceNetwork({ nhrpAuth: "dmvpn1" });
  const sites = referenceSites(network);

  it("FRR 10 accepts the frr-10 rendering; FRR 8.4 refuses that same file", async () => {
    const [first] = frrConfs(network, sites, "10");
    expect(first?.content).toContain(" ip nhrp authentication dmvpn1\n");
    expect(await dryrun("10", "auth.conf", first?.content ?? "")).toEqual({ code: 0, output: "" });
    const old = await dryrun("8.4", "auth.conf", first?.content ?? "");
    expect(old.code).toBe(2);
    expect(old.output).toContain("ip nhrp authentication");
  });

  it("the frr (8.4) target refuses to render it, naming the site", () => {
    const errors = renderAllFor(network, sites, "frr");
    expect(errors.every((e) => e instanceof RenderError)).toBe(true);
    expect((errors[0] as RenderError).issues).toEqual([
      { path: ["network", "nhrpAuth"], message: expect.stringContaining(`${sites[0]?.name} runs FRR 8.4`) },
    ]);
  });

  it("FRR 10's check itself catches a command it does not know", async () => {
    const [first] = frrConfs(network, sites, "10");
    const bad = await dryrun(
      "10",
      "bad.conf",
      (first?.content ?? "").replace(" ip nhrp holdtime", " ip nhrp nonsense"),
    );
    expect(bad.code).toBe(2);
    expect(bad.output).toContain("ip nhrp nonsense");
  });
});

const CASES: [string, NetworkSpec][] = [
  ["reference", referenceNetwork()],
  ["phase 2, per-spoke ASNs", referenceNetwork({ phase: 2, asnPlan: "per-spoke" })],
  ["static routing", referenceNetwork({ routing: "static" })],
  ["no IPsec", referenceNetwork({ ipsecEnabled: false })],
  ["fast BGP timers and BFD", referenceNetwork({ bgpKeepalive: 5, bgpHoldtime: 15, bfd: true })],
  [
    "phase 2, per-spoke, hold time 0, BFD",
    referenceNetwork({ phase: 2, asnPlan: "per-spoke", bgpKeepalive: 30, bgpHoldtime: 0, bfd: true }),
  ],
];
// Only FRR 10 can carry NHRP authentication; FRR 8.4's refusal is tested above.
const FRR10_CASES: [string, NetworkSpec][] = [
  ["phase 2, per-spoke, NHRP authentication", referenceNetwork({ phase: 2, asnPlan: "per-spoke", nhrpAuth: "dmvpn1" })],
];

describe.each(["8.4", "10"] as const)("frr.conf accepted by vtysh --dryrun (FRR %s)", (version) => {
  it.each(version === "10" ? [...CASES, ...FRR10_CASES] : CASES)("%s: every site", async (_label, network) => {
    // Without IPsec a NATed spoke cannot be rendered at all (tested in render.test.ts); treat it as public here.
    const sites = referenceSites(network).map((s) => (network.ipsecEnabled ? s : { ...s, behindNat: false }));
    for (const { site, content } of frrConfs(network, sites, version)) {
      const result = await dryrun(version, `${site}.conf`, content);
      expect(result, `${site}: ${result.output}`).toEqual({ code: 0, output: "" });
    }
  });

  it("generated networks", async () => {
    let checked = 0;
    for (const shape of fc.sample(networkShapeArbitrary, { numRuns: 15, seed: 2024 })) {
      const { network, sites } = buildNetwork(shape);
      const usable = version === "8.4" ? { ...network, nhrpAuth: null } : network;
      for (const { site, content } of frrConfs(usable, sites.slice(0, 6), version)) {
        const result = await dryrun(version, `gen-${checked}-${site}.conf`, content);
        expect(result, `${site}: ${result.output}`).toEqual({ code: 0, output: "" });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
