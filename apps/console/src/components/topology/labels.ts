/**
 * Which site names to draw, and where, so that no two overlap. Sigma's own label grid allows overlaps between
 * neighbouring cells and hides hub names behind each other; this greedy placement (most important first, four
 * places tried around each site) never overlaps and lets names appear as the user zooms in: a spoke's name is only
 * drawn where it covers no other site.
 */

export interface LabelCandidate {
  id: string;
  text: string;
  /** viewport pixels */
  x: number;
  y: number;
  /** the site's drawn radius in pixels */
  radius: number;
  /** higher goes first; `forced` labels may cover other sites (hubs, the selected or searched site) */
  priority: number;
  forced: boolean;
}

export interface PlacedLabel {
  id: string;
  text: string;
  /** the site's centre, viewport pixels */
  x: number;
  y: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LabelOptions {
  width: number;
  height: number;
  /** label height in pixels (font size plus padding) */
  lineHeight: number;
  /** most labels drawn at once, so a zoomed-in dense view stays cheap */
  max: number;
  measure: (text: string) => number;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const CELL = 64;
const GAP = 3;

/** A uniform grid of boxes: overlap queries touch only the cells a box spans. */
class BoxGrid {
  private cells = new Map<number, Box[]>();
  private key(cx: number, cy: number) {
    return cx * 100_003 + cy;
  }
  private span(b: Box, fn: (k: number) => boolean | undefined): boolean {
    for (let cx = Math.floor(b.left / CELL); cx <= Math.floor(b.right / CELL); cx++)
      for (let cy = Math.floor(b.top / CELL); cy <= Math.floor(b.bottom / CELL); cy++)
        if (fn(this.key(cx, cy))) return true;
    return false;
  }
  add(b: Box) {
    this.span(b, (k) => {
      const cell = this.cells.get(k);
      if (cell) cell.push(b);
      else this.cells.set(k, [b]);
      return undefined;
    });
  }
  hits(b: Box, ignore?: Box): boolean {
    return this.span(b, (k) =>
      this.cells
        .get(k)
        ?.some((o) => o !== ignore && o.left < b.right && b.left < o.right && o.top < b.bottom && b.top < o.bottom),
    );
  }
}

export function placeLabels(candidates: LabelCandidate[], opts: LabelOptions): PlacedLabel[] {
  const labels = new BoxGrid();
  const sites = new BoxGrid();
  const discs = new Map<string, Box>();
  for (const c of candidates) {
    const r = Math.max(1, c.radius);
    const disc = { left: c.x - r, top: c.y - r, right: c.x + r, bottom: c.y + r };
    discs.set(c.id, disc);
    sites.add(disc);
  }
  const order = [...candidates].sort(
    (a, b) => Number(b.forced) - Number(a.forced) || b.priority - a.priority || a.id.localeCompare(b.id),
  );
  const placed: PlacedLabel[] = [];
  for (const c of order) {
    if (placed.length >= opts.max) break;
    const width = Math.ceil(opts.measure(c.text)) + 6;
    const height = opts.lineHeight;
    const r = Math.max(1, c.radius) + GAP;
    const spots: [number, number][] = [
      [c.x + r, c.y - height / 2], // right
      [c.x - r - width, c.y - height / 2], // left
      [c.x - width / 2, c.y - r - height], // above
      [c.x - width / 2, c.y + r], // below
    ];
    for (const [left, top] of spots) {
      const box = { left, top, right: left + width, bottom: top + height };
      if (box.left < 0 || box.top < 0 || box.right > opts.width || box.bottom > opts.height) continue;
      if (labels.hits(box)) continue;
      if (!c.forced && sites.hits(box, discs.get(c.id))) continue;
      labels.add(box);
      placed.push({ id: c.id, text: c.text, x: c.x, y: c.y, left, top, width, height });
      break;
    }
  }
  return placed;
}

/** True when two placed labels overlap (used by the tests, and cheap enough to assert in the browser too). */
export function overlaps(a: PlacedLabel, b: PlacedLabel): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}
