import { describe, expect, it } from "vitest";
import {
  DEFAULT_WAVE_POLICY,
  describeWavePolicy,
  planDeploymentWaves,
  planWaves,
  policyFromBatchSize,
  waveKinds,
  wavePolicySchema,
} from "./deployment-waves";

const site = (siteId: string, role: "hub" | "spoke" = "spoke") => ({ siteId, role });
const spokes = (n: number) => Array.from({ length: n }, (_, i) => site(`s${i + 1}`));
const shape = (plan: ReturnType<typeof planWaves<{ siteId: string; role: string }>>) =>
  plan.map((w) => `${w.kind}:${w.sites.map((s) => s.siteId).join(",")}`);

describe("planWaves (default policy)", () => {
  it("sends hubs one at a time, then one canary spoke, then batches that double", () => {
    const plan = planWaves([site("h1", "hub"), ...spokes(10), site("h2", "hub")]);
    expect(shape(plan)).toEqual([
      "hub:h1",
      "hub:h2",
      "canary:s1",
      "batch:s2,s3",
      "batch:s4,s5,s6,s7",
      "batch:s8,s9,s10",
    ]);
    expect(plan.map((w) => w.wave)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("no hub never travels with spokes (the old plan sent the second hub with nine spokes)", () => {
    const plan = planWaves([site("h1", "hub"), site("h2", "hub"), ...spokes(9)]);
    for (const w of plan) {
      const roles = new Set(w.sites.map((s) => s.role));
      expect(roles.size).toBe(1);
      if (roles.has("hub")) expect(w.sites).toHaveLength(1);
    }
  });

  it("caps the growing batches at maxBatch", () => {
    const plan = planWaves(spokes(200), { maxBatch: 25 });
    const sizes = plan.map((w) => w.sites.length);
    expect(sizes.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 25, 25]);
    expect(Math.max(...sizes)).toBe(25);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it("plans nothing for no sites, one wave for a single hub", () => {
    expect(planWaves([])).toEqual([]);
    expect(shape(planWaves([site("h", "hub")]))).toEqual(["hub:h"]);
  });
});

describe("planWaves (edited policies)", () => {
  it("all hubs together, no canary, equal batches of 3", () => {
    const plan = planWaves([site("h1", "hub"), site("h2", "hub"), ...spokes(7)], {
      hubsOneAtATime: false,
      canarySpokes: 0,
      firstBatch: 3,
      growth: 1,
      maxBatch: 3,
    });
    expect(shape(plan)).toEqual(["hub:h1,h2", "batch:s1,s2,s3", "batch:s4,s5,s6", "batch:s7"]);
  });

  it("more canaries than spokes: every spoke is a canary", () => {
    expect(shape(planWaves(spokes(2), { canarySpokes: 3 }))).toEqual(["canary:s1", "canary:s2"]);
  });

  it("a fractional growth rounds batch sizes down, never below one", () => {
    const sizes = planWaves(spokes(12), { canarySpokes: 0, firstBatch: 1, growth: 1.5, maxBatch: 10 }).map(
      (w) => w.sites.length,
    );
    expect(sizes).toEqual([1, 1, 2, 3, 5]);
  });

  it("the batch-size option is one canary then equal batches", () => {
    const rows = planDeploymentWaves(spokes(5), policyFromBatchSize(2));
    expect(rows.map((r) => [r.site.siteId, r.wave])).toEqual([
      ["s1", 0],
      ["s2", 1],
      ["s3", 1],
      ["s4", 2],
      ["s5", 2],
    ]);
  });
});

describe("wavePolicySchema", () => {
  it("fills the defaults", () => {
    expect(DEFAULT_WAVE_POLICY).toEqual({
      hubsOneAtATime: true,
      canarySpokes: 1,
      firstBatch: 2,
      growth: 2,
      maxBatch: 25,
    });
  });

  it("names the field of a bad value", () => {
    const bad = wavePolicySchema.safeParse({ firstBatch: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["firstBatch"]);
    const inverted = wavePolicySchema.safeParse({ firstBatch: 10, maxBatch: 5 });
    expect(inverted.error?.issues[0]).toMatchObject({ path: ["maxBatch"], message: "maxBatch must be ≥ firstBatch" });
    expect(wavePolicySchema.safeParse({ growth: 0.5 }).error?.issues[0]?.path).toEqual(["growth"]);
    expect(() => planWaves(spokes(1), { canarySpokes: -1 })).toThrow(/canarySpokes/);
  });

  it("describes itself in words", () => {
    expect(describeWavePolicy(DEFAULT_WAVE_POLICY)).toBe(
      "hubs one at a time, then 1 canary spoke, then batches from 2, ×2 each, at most 25",
    );
    expect(describeWavePolicy(policyFromBatchSize(10))).toBe(
      "hubs one at a time, then 1 canary spoke, then batches of 10",
    );
  });
});

describe("waveKinds", () => {
  it("labels the stored waves of a plan as they were planned", () => {
    const rows = planDeploymentWaves([site("h1", "hub"), site("h2", "hub"), ...spokes(4)], { canarySpokes: 2 });
    const kinds = waveKinds(
      rows.map((r) => ({ wave: r.wave, role: r.site.role })),
      { canarySpokes: 2 },
    );
    expect([...kinds.entries()]).toEqual([
      [0, "hub"],
      [1, "hub"],
      [2, "canary"],
      [3, "canary"],
      [4, "batch"],
    ]);
  });
});
