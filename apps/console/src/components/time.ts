/**
 * The console's one time format: 24-hour, ISO-like ("2026-12-06 14:05:09"), in the viewer's time zone (the
 * browser's, unless a zone is given). Every component formats dates through here, so no page mixes "2:05 PM" with
 * "14:05" or shows UTC next to local time.
 */
export type TimeInput = Date | string | number;

export interface TimeOptions {
  /** IANA zone; the browser's own when absent. */
  timeZone?: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build and tables format hundreds of cells: one per zone and shape. */
function formatter(shape: "datetime" | "clock" | "offset", timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${shape}|${timeZone ?? ""}`;
  let f = formatters.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { timeZone, hourCycle: "h23" };
    f = new Intl.DateTimeFormat(
      "en-US",
      shape === "datetime"
        ? {
            ...base,
            year: "numeric",
            month: "2-digit",
            day: "2-digit",
            hour: "2-digit",
            minute: "2-digit",
            second: "2-digit",
          }
        : shape === "clock"
          ? { ...base, hour: "2-digit", minute: "2-digit" }
          : { ...base, timeZoneName: "longOffset" },
    );
    formatters.set(key, f);
  }
  return f;
}

export function toDate(value: TimeInput): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function parts(f: Intl.DateTimeFormat, d: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(d)) out[p.type] = p.value;
  // Some engines print midnight as "24" even with h23; the day has already turned.
  if (out.hour === "24") out.hour = "00";
  return out;
}

/** "2026-12-06 14:05:09"; "—" for a missing or invalid value. */
export function formatDateTime(value: TimeInput | null | undefined, options: TimeOptions = {}): string {
  const d = value === null || value === undefined ? null : toDate(value);
  if (!d) return "—";
  const p = parts(formatter("datetime", options.timeZone), d);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** "14:05": chart axes and other places where the day is obvious. */
export function formatClock(value: TimeInput | null | undefined, options: TimeOptions = {}): string {
  const d = value === null || value === undefined ? null : toDate(value);
  if (!d) return "—";
  const p = parts(formatter("clock", options.timeZone), d);
  return `${p.hour}:${p.minute}`;
}

/** The zone the console shows times in, e.g. "Europe/Berlin (UTC+01:00)", for labels and tooltips. */
export function describeTimeZone(at: TimeInput = Date.now(), options: TimeOptions = {}): string {
  const zone = options.timeZone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const d = toDate(at) ?? new Date();
  const offset = parts(formatter("offset", zone), d).timeZoneName ?? "";
  // longOffset prints plain "GMT" for UTC itself.
  const utc = offset === "GMT" ? "UTC+00:00" : offset.replace(/^GMT/, "UTC");
  return `${zone} (${utc})`;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "never" when there is no time. */
export function timeAgo(value: TimeInput | null | undefined, now: number = Date.now()): string {
  const d = value === null || value === undefined ? null : toDate(value);
  if (!d) return "never";
  const s = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
