import { describe, expect, it } from "vitest";
import { planDeploymentWaves } from "./deployment-waves";

const site = (siteId: string, role: "hub" | "spoke" = "spoke") => ({ siteId, role });

describe("planDeploymentWaves", () => {
  it("puts one canary alone in wave 0, then batches of the given size", () => {
    const plan = planDeploymentWaves(
      ["a", "b", "c", "d", "e", "f"].map((s) => site(s)),
      2,
    );
    expect(plan.map((p) => [p.site.siteId, p.wave])).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 1],
      ["d", 2],
      ["e", 2],
      ["f", 3],
    ]);
  });

  it("orders hubs before spokes, so a hub is the canary when there is one", () => {
    const plan = planDeploymentWaves([site("s1"), site("h1", "hub"), site("s2"), site("h2", "hub")], 10);
    expect(plan.map((p) => [p.site.siteId, p.wave])).toEqual([
      ["h1", 0],
      ["h2", 1],
      ["s1", 1],
      ["s2", 1],
    ]);
  });

  it("a single site is just the canary; an empty list plans nothing; a bad batch size is refused", () => {
    expect(planDeploymentWaves([site("x")], 5)).toEqual([{ site: site("x"), wave: 0 }]);
    expect(planDeploymentWaves([], 5)).toEqual([]);
    expect(() => planDeploymentWaves([site("x")], 0)).toThrow(/positive/);
  });
});
