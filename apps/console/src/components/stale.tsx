import { ageOf } from "./agent-age";
import { formatDateTime } from "./form-helpers";

/** Last-known data of a router that is not reporting now: muted and italic, never styled like live values. */
export const staleClass = "italic text-zinc-400 dark:text-zinc-500";

/** The banner over stale data: it says so, and how old it is. */
export function StaleNotice({ at, what }: { at: Date | string | null | undefined; what: string }) {
  return (
    <p
      role="status"
      data-testid="stale-notice"
      className="mb-3 rounded border border-dashed border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
    >
      Stale: {what} as last reported {ageOf(at)}
      {at ? ` (${formatDateTime(at)})` : ""}. The agent is offline; nothing here is live.
    </p>
  );
}
