import { describe, expect, it } from "vitest";
import { type LabelCandidate, overlaps, placeLabels } from "./labels";

const opts = { width: 800, height: 600, lineHeight: 16, max: 150, measure: (t: string) => t.length * 7 };

function site(id: string, x: number, y: number, extra: Partial<LabelCandidate> = {}): LabelCandidate {
  return { id, text: id, x, y, radius: 4, priority: 0, forced: false, ...extra };
}

function noOverlaps(labels: ReturnType<typeof placeLabels>) {
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) expect(overlaps(labels[i]!, labels[j]!)).toBe(false);
}

describe("label placement", () => {
  it("names two hubs next to each other on both sides instead of on top of each other", () => {
    const labels = placeLabels(
      [site("hub-fra", 400, 300, { forced: true }), site("hub-ams", 430, 300, { forced: true })],
      opts,
    );
    expect(labels.map((l) => l.id).sort()).toEqual(["hub-ams", "hub-fra"]);
    noOverlaps(labels);
  });

  it("never overlaps, and shows fewer spoke names the denser the sites are", () => {
    const grid = (step: number) =>
      Array.from({ length: 400 }, (_, i) => site(`spoke-${i}`, 20 + (i % 20) * step, 20 + Math.floor(i / 20) * step));
    const sparse = placeLabels(
      grid(80).filter((c) => c.x < 800 && c.y < 600),
      opts,
    );
    const dense = placeLabels(grid(8), opts);
    noOverlaps(sparse);
    noOverlaps(dense);
    expect(sparse.length).toBeGreaterThan(40);
    // packed 8 px apart, a name only fits on the outside of the crowd, never inside it
    const border = (id: string) => {
      const i = Number(id.slice("spoke-".length));
      return i % 20 === 0 || i % 20 === 19 || i < 20 || i >= 380;
    };
    expect(dense.length).toBeLessThan(sparse.length / 2);
    expect(dense.filter((l) => !border(l.id))).toEqual([]);
  });

  it("puts forced names (hubs, the selected site) first, even among dense spokes", () => {
    const spokes = Array.from({ length: 200 }, (_, i) =>
      site(`s${i}`, 300 + (i % 20) * 6, 200 + Math.floor(i / 20) * 6),
    );
    const labels = placeLabels([...spokes, site("hub", 360, 230, { forced: true, priority: 1 })], opts);
    expect(labels.map((l) => l.id)).toContain("hub");
    noOverlaps(labels);
  });

  it("keeps names inside the view and stops at the maximum", () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      site(`n${i}`, (i % 25) * 40, Math.floor(i / 25) * 40, { forced: true }),
    );
    const labels = placeLabels(many, { ...opts, max: 30 });
    expect(labels.length).toBeLessThanOrEqual(30);
    for (const l of labels) {
      expect(l.left).toBeGreaterThanOrEqual(0);
      expect(l.top).toBeGreaterThanOrEqual(0);
      expect(l.left + l.width).toBeLessThanOrEqual(800);
      expect(l.top + l.height).toBeLessThanOrEqual(600);
    }
    noOverlaps(labels);
  });

  it("prefers higher priority when two names compete for one place", () => {
    const labels = placeLabels([site("quiet", 100, 100), site("offline", 100, 100, { priority: 10 })], {
      ...opts,
      width: 140,
      height: 120,
    });
    expect(labels.map((l) => l.id)).toEqual(["offline"]);
  });
});
