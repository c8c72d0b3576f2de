"use client";

import { describeTimeZone, formatClock, formatDateTime, type TimeInput, timeAgo, toDate } from "./time";

/**
 * A moment as the console shows it: 24-hour, in the viewer's zone, with the exact UTC instant and the zone on
 * hover. `relative` prints "5 min ago" (against `now`), still with the absolute time on hover.
 */
export function LocalTime({
  value,
  format = "datetime",
  now,
  className,
}: {
  value: TimeInput | null | undefined;
  format?: "datetime" | "clock" | "relative";
  now?: number;
  className?: string;
}) {
  const d = value === null || value === undefined ? null : toDate(value);
  if (!d) return <span className={className}>{format === "relative" ? "never" : "—"}</span>;
  const text =
    format === "clock" ? formatClock(d) : format === "relative" ? timeAgo(d, now ?? Date.now()) : formatDateTime(d);
  const title = `${format === "datetime" ? "" : `${formatDateTime(d)} `}${describeTimeZone(d)} · ${d.toISOString()}`;
  return (
    // The server renders in its own zone; the browser's zone wins on hydration.
    <time dateTime={d.toISOString()} title={title} className={className} suppressHydrationWarning>
      {text}
    </time>
  );
}
