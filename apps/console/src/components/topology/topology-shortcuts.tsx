import type { TopologyEdge } from "~/server/services/topology-model";
import { formatDuration, secondsUntil } from "./graph-sync";

const SHOWN = 50;

/** The shortcuts among the sites the filters keep, soonest to expire first. */
export function TopologyShortcuts({
  shortcuts,
  name,
  onSelect,
  now,
}: {
  now: number;
  shortcuts: TopologyEdge[];
  name: (id: string) => string;
  onSelect: (id: string) => void;
}) {
  const shown = shortcuts.slice(0, SHOWN);
  return (
    <section
      className="rounded-md border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
      aria-label="Active shortcuts"
    >
      <h2 className="mb-2 font-semibold">Active shortcuts ({shortcuts.length})</h2>
      {shown.length === 0 ? <p className="text-zinc-500">No spoke-to-spoke shortcut right now.</p> : null}
      <ul className="space-y-0.5" data-testid="shortcut-list">
        {shown.map((e) => (
          <li key={e.id}>
            <button type="button" className="text-left hover:underline" onClick={() => onSelect(e.id)}>
              {[name(e.source), name(e.target)].sort().join(" ↔ ")}
              <span className="ml-1 text-xs text-zinc-500">{formatDuration(secondsUntil(e.expiresAt, now))} left</span>
            </button>
          </li>
        ))}
      </ul>
      {shortcuts.length > shown.length ? (
        <p className="mt-1 text-xs text-zinc-500">and {shortcuts.length - shown.length} more</p>
      ) : null}
    </section>
  );
}
