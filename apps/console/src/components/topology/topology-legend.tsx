import { FRESHNESS_COLOURS, HUB_COLOUR, LINK_COLOURS, SHORTCUT_COLOUR } from "./graph-sync";

function Item({
  colour,
  label,
  line = false,
  big = false,
}: {
  colour: string;
  label: string;
  line?: boolean;
  big?: boolean;
}) {
  return (
    <li className="flex items-center gap-1.5">
      <span
        aria-hidden
        className={
          line
            ? "inline-block h-0.5 w-4"
            : big
              ? "inline-block h-3.5 w-3.5 rounded-full"
              : "inline-block h-2.5 w-2.5 rounded-full"
        }
        style={{ background: colour }}
      />
      {label}
    </li>
  );
}

/** What the colours and sizes mean; folded away on small screens, where it would cover the graph. */
export function TopologyLegend() {
  return (
    <details
      className="absolute bottom-2 left-2 z-10 max-w-[calc(100%-1rem)] rounded bg-white/90 px-2 py-1 text-[11px] text-zinc-600 shadow-sm dark:bg-zinc-900/90 dark:text-zinc-300"
      open={typeof window !== "undefined" && window.innerWidth >= 768}
      aria-label="Legend"
    >
      <summary className="cursor-pointer font-medium">Legend</summary>
      <div className="mt-1 grid grid-cols-2 gap-x-4 gap-y-0.5">
        <ul aria-label="Sites">
          <Item colour={HUB_COLOUR} label="hub (large)" big />
          <Item colour={FRESHNESS_COLOURS.fresh} label="reporting" />
          <Item colour={FRESHNESS_COLOURS.stale} label="stale" />
          <Item colour={FRESHNESS_COLOURS.offline} label="offline" />
          <Item colour={FRESHNESS_COLOURS.unknown} label="never reported" />
          <Item colour={FRESHNESS_COLOURS["config-managed"]} label="config-managed" />
        </ul>
        <ul aria-label="Links">
          <Item colour={LINK_COLOURS.up} label="registered, SA up" line />
          <Item colour={LINK_COLOURS.degraded} label="SA down" line />
          <Item colour={LINK_COLOURS.down} label="not registered" line />
          <Item colour={SHORTCUT_COLOUR} label="shortcut" line />
        </ul>
      </div>
      <p className="mt-1 text-zinc-500">Names appear as you zoom in; hubs are always named.</p>
    </details>
  );
}
