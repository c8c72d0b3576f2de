import { describe, expect, it } from "vitest";
import { type ZoomSite, zoomAnchor } from "./zoom";

const view = { width: 800, height: 600 };
const site = (id: string, x: number, y: number): ZoomSite => ({ id, x, y });

describe("zoom anchor of the zoom buttons", () => {
  it("zooms in on the site nearest the centre when the centre itself is empty (two hubs around a hole)", () => {
    const hubs = [site("hub-a", 340, 300), site("hub-b", 470, 300)];
    const ring = Array.from({ length: 20 }, (_, i) => {
      const a = (2 * Math.PI * i) / 20;
      return site(`spoke-${i}`, 400 + 220 * Math.cos(a), 300 + 220 * Math.sin(a));
    });
    expect(zoomAnchor([...ring, ...hubs], view, 0.66)?.id).toBe("hub-a");
  });

  it("keeps a site already at the centre as the anchor", () => {
    expect(zoomAnchor([site("far", 10, 10), site("middle", 401, 299)], view, 0.5)?.id).toBe("middle");
  });

  it("prefers a site on the canvas to a nearer one off it", () => {
    // off the canvas by a pixel but nearer to the centre than the one on it
    const sites = [site("off", 400, -1), site("on", 5, 5)];
    expect(zoomAnchor(sites, view, 0.66)?.id).toBe("on");
  });

  it("brings a view panned into empty space back to the nearest site", () => {
    const sites = [site("far", 3000, 3000), site("near", -100, 300)];
    expect(zoomAnchor(sites, view, 0.66)?.id).toBe("near");
  });

  it("zooms out about the centre, and about the centre when there is nothing to show", () => {
    expect(zoomAnchor([site("a", 10, 10)], view, 1.5)).toBeNull();
    expect(zoomAnchor([], view, 0.66)).toBeNull();
  });

  it("breaks ties by id, whatever order the sites come in", () => {
    const a = site("a", 300, 300);
    const b = site("b", 500, 300);
    expect(zoomAnchor([b, a], view, 0.66)?.id).toBe("a");
    expect(zoomAnchor([a, b], view, 0.66)?.id).toBe("a");
  });
});
