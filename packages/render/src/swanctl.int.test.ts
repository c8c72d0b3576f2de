import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNetwork, networkShapeArbitrary } from "./__fixtures__/generated-network";
import { type PrivateCharon, startPrivateCharon } from "./__fixtures__/private-charon";
import { referenceNetwork, referenceSites } from "./__fixtures__/reference-network";
import { renderAllFor } from "./__fixtures__/render-all";
import { FRR_IPSEC_NHRP_VICI_TAG } from "./targets/frr-ipsec";
import { RenderError, type RenderedConfig } from "./types";

/** Every rendered swanctl.conf goes through strongSwan's own parser and charon's own config checks. */
let charon: PrivateCharon;
beforeAll(async () => {
  charon = await startPrivateCharon();
});
afterAll(async () => {
  await charon?.stop();
});

function swanctlFiles(configs: (RenderedConfig | RenderError)[]): { site: string; content: string }[] {
  return configs.flatMap((c) => {
    if (c instanceof RenderError) throw c;
    return c.files.filter((f) => f.name === "swanctl.conf").map((f) => ({ site: c.site, content: f.content }));
  });
}

async function expectLoads(site: string, content: string, esp: string): Promise<void> {
  const file = join(charon.dir, `${site}.swanctl.conf`);
  writeFileSync(file, content);
  const { code, output } = await charon.loadAll(file);
  // swanctl exits 0 even on a syntax error in the file, so the messages are checked as well.
  expect(code, output).toBe(0);
  expect(output).toContain("loaded ike secret 'ike-dmvpn'");
  expect(output).toContain("successfully loaded 1 connections");
  // (swanctl's own plugin-loading chatter also says "failed to load", so match strongSwan's config messages.)
  expect(output).not.toMatch(/invalid config file|syntax error|loading (connection|secret|shared key) '[^']*' failed/);
  const conns = await charon.listConnsRaw();
  expect(conns).toContain("version=IKEv2");
  expect(conns).toContain("children {dmvpn {mode=TRANSPORT");
  expect(conns).toContain("local-ts=[dynamic[gre]] remote-ts=[dynamic[gre]]");
  expect(esp.length).toBeGreaterThan(0);
}

describe("swanctl.conf accepted by strongSwan", () => {
  it("the check itself fails on a broken file and on an invalid proposal", async () => {
    const [good] = swanctlFiles(renderAllFor(referenceNetwork(), referenceSites(referenceNetwork()), "frr"));
    const broken = join(charon.dir, "broken.conf");
    writeFileSync(broken, (good?.content ?? "").replace(/}\n$/, ""));
    expect((await charon.loadAll(broken)).output).toMatch(/syntax error|invalid config file/);
    writeFileSync(broken, (good?.content ?? "").replace("aes256-sha256-modp2048", "aes256-nosuchhash"));
    const bad = await charon.loadAll(broken);
    expect(bad.output).toContain("invalid value for: proposals");
    expect(bad.code).not.toBe(0);
  });

  it("reference network: every site", async () => {
    for (const n of [
      referenceNetwork(),
      referenceNetwork({ phase: 2, asnPlan: "per-spoke", espProposal: "aes128-sha1-modp2048" }),
    ]) {
      const files = swanctlFiles(renderAllFor(n, referenceSites(n), "frr"));
      expect(files).toHaveLength(7);
      for (const f of files) await expectLoads(f.site, f.content, n.espProposal);
    }
  });

  it("both IPsec modes load: trap policies (stock strongSwan) and nhrpd's tunnel protection", async () => {
    const n = referenceNetwork();
    const all = referenceSites(n);
    const spoke = all.find((s) => s.role === "spoke");
    if (!spoke) throw new Error("the reference network has no spoke");
    const patched = { ...spoke, tags: [...spoke.tags, FRR_IPSEC_NHRP_VICI_TAG] };
    const of = (sites: typeof all) => swanctlFiles(renderAllFor(n, sites, "frr")).find((f) => f.site === spoke.name);
    const trap = of(all);
    const vici = of(all.map((s) => (s === spoke ? patched : s)));
    expect(trap?.content).toContain("start_action = trap");
    expect(vici?.content).toContain("start_action = none");
    for (const f of [trap, vici]) {
      if (!f) throw new Error("no swanctl.conf rendered");
      await expectLoads(f.site, f.content, n.espProposal);
    }
  });

  it("generated networks with varied proposals", async () => {
    const proposals = fc.sample(
      fc.record({
        ike: fc.tuple(
          fc.constantFrom("aes128", "aes192", "aes256"),
          fc.constantFrom("sha1", "sha256", "sha384", "sha512"),
          fc.constantFrom("modp2048", "modp3072", "ecp256", "ecp384"),
        ),
        esp: fc.tuple(
          fc.constantFrom("aes128", "aes256"),
          fc.constantFrom("sha256", "sha512"),
          fc.constantFrom("", "-modp2048", "-ecp256"),
        ),
      }),
      { numRuns: 8, seed: 4242 },
    );
    const shapes = fc.sample(networkShapeArbitrary, { numRuns: 8, seed: 4242 });
    let loaded = 0;
    for (const [i, shape] of shapes.entries()) {
      const p = proposals[i] as (typeof proposals)[number];
      const { network, sites } = buildNetwork(
        { ...shape, ipsecEnabled: true },
        { ikeProposal: p.ike.join("-"), espProposal: `${p.esp[0]}-${p.esp[1]}${p.esp[2]}` },
      );
      for (const f of swanctlFiles(renderAllFor(network, sites.slice(0, 3), "frr"))) {
        await expectLoads(f.site, f.content, network.espProposal);
        loaded++;
      }
    }
    expect(loaded).toBeGreaterThanOrEqual(8);
  });
});
