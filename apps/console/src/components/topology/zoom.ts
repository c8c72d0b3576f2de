/**
 * Where the zoom buttons zoom to. Zooming about the view's centre loses every site when the centre is empty: a
 * network's layout has a hole between its hubs and its ring of spokes, so three clicks on "Zoom in" over a framed
 * network left nothing on the canvas and no name to read. Zooming in therefore centres on the visible site nearest
 * to the view's centre (one already in the middle barely moves); zooming out keeps the centre, which loses nothing.
 */

export interface ZoomSite {
  id: string;
  /** viewport pixels */
  x: number;
  y: number;
}

export interface ZoomView {
  width: number;
  height: number;
}

/**
 * The site to zoom in on, or null to zoom about the view's centre (zooming out, or no site to show). Sites are the
 * ones the filters keep, in viewport pixels; a site off the canvas is chosen only when none is on it, which brings a
 * panned-away view back to the nearest site rather than zooming further into empty space.
 */
export function zoomAnchor(sites: readonly ZoomSite[], view: ZoomView, factor: number): ZoomSite | null {
  if (factor >= 1 || sites.length === 0) return null;
  const cx = view.width / 2;
  const cy = view.height / 2;
  const onCanvas = (s: ZoomSite) => s.x >= 0 && s.y >= 0 && s.x <= view.width && s.y <= view.height;
  const pool = sites.some(onCanvas) ? sites.filter(onCanvas) : sites;
  let best: ZoomSite | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const s of pool) {
    const d = (s.x - cx) ** 2 + (s.y - cy) ** 2;
    // ties go to the smaller id, so the same picture always zooms the same way
    if (d < bestDistance || (d === bestDistance && best !== null && s.id < best.id)) {
      best = s;
      bestDistance = d;
    }
  }
  return best;
}
