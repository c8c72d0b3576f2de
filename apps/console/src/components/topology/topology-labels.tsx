import { useSyncExternalStore } from "react";
import type { LabelStore } from "./use-sigma";

const none: never[] = [];

/**
 * Site names over the WebGL canvas, as HTML: crisp at any zoom, and their boxes are what the browser tests check for
 * overlaps; data-x/data-y give the named site's centre in the canvas, so a test can click the site itself.
 */
export function TopologyLabels({ store }: { store: LabelStore }) {
  const labels = useSyncExternalStore(store.subscribe, store.get, () => none);
  return (
    <div className="pointer-events-none absolute inset-0 overflow-hidden" data-testid="topology-labels">
      {labels.map((l) => (
        <span
          key={l.id}
          data-testid="topology-label"
          data-node={l.id}
          data-x={Math.round(l.x)}
          data-y={Math.round(l.y)}
          className="absolute truncate rounded-sm bg-white/80 px-[3px] text-[11px] leading-4 text-zinc-800 dark:bg-zinc-950/80 dark:text-zinc-100"
          style={{ transform: `translate(${l.left}px, ${l.top}px)`, width: l.width, height: l.height }}
        >
          {l.text}
        </span>
      ))}
    </div>
  );
}
