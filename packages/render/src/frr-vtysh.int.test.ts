import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { buildNetwork, networkShapeArbitrary } from "./__fixtures__/generated-network";
import { referenceNetwork, referenceSites } from "./__fixtures__/reference-network";
import { renderAllFor } from "./__fixtures__/render-all";
import { RenderError } from "./types";

/** Every rendered frr.conf goes through FRR 8.4's own parser: `vtysh --dryrun -f FILE` (exit 2 on errors). */
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "dmvpn-vtysh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dryrun(name: string, content: string): Promise<{ code: number; output: string }> {
  const file = join(dir, name);
  writeFileSync(file, content);
  try {
    const { stdout, stderr } = await run("/usr/bin/vtysh", ["--dryrun", "-f", file]);
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === "number" ? x.code : 1, output: `${x.stdout ?? ""}${x.stderr ?? ""}` };
  }
}

function frrConfs(network: Parameters<typeof renderAllFor>[0], sites: Parameters<typeof renderAllFor>[1]) {
  return renderAllFor(network, sites, "frr").map((r) => {
    if (r instanceof RenderError) throw r;
    return { site: r.site, content: r.files.find((f) => f.name === "frr.conf")?.content ?? "" };
  });
}

describe("frr.conf accepted by vtysh --dryrun (FRR 8.4)", () => {
  it("the check itself catches a command FRR 8.4 lacks", async () => {
    const [first] = frrConfs(referenceNetwork(), referenceSites(referenceNetwork()));
    const bad = await dryrun(
      "bad.conf",
      (first?.content ?? "").replace(" ip nhrp holdtime", " ip nhrp authentication abc\n ip nhrp holdtime"),
    );
    expect(bad.code).toBe(2);
    expect(bad.output).toContain("ip nhrp authentication");
  });

  it.each([
    ["reference", referenceNetwork()],
    ["phase 2, per-spoke ASNs", referenceNetwork({ phase: 2, asnPlan: "per-spoke" })],
    ["static routing", referenceNetwork({ routing: "static" })],
    ["no IPsec", referenceNetwork({ ipsecEnabled: false })],
  ])("%s: every site", async (_label, network) => {
    // Without IPsec a NATed spoke cannot be rendered at all (tested in render.test.ts); treat it as public here.
    const sites = referenceSites(network).map((s) => (network.ipsecEnabled ? s : { ...s, behindNat: false }));
    for (const { site, content } of frrConfs(network, sites)) {
      const result = await dryrun(`${site}.conf`, content);
      expect(result, `${site}: ${result.output}`).toEqual({ code: 0, output: "" });
    }
  });

  it("generated networks", async () => {
    let checked = 0;
    for (const shape of fc.sample(networkShapeArbitrary, { numRuns: 15, seed: 2024 })) {
      const { network, sites } = buildNetwork(shape);
      for (const { site, content } of frrConfs(network, sites.slice(0, 6))) {
        const result = await dryrun(`gen-${checked}-${site}.conf`, content);
        expect(result, `${site}: ${result.output}`).toEqual({ code: 0, output: "" });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
