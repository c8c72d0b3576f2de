/** Messages whose field the form does not show, so no server error is ever silently dropped. */
export function unplacedErrors(byField: Record<string, string>, shown: readonly string[]): string | null {
  const rest = Object.entries(byField).filter(
    ([key]) => !shown.some((field) => key === field || key.startsWith(`${field}.`)),
  );
  return rest.length ? rest.map(([key, message]) => (key ? `${key}: ${message}` : message)).join("; ") : null;
}

/** "" for an empty value, so controlled inputs never switch between controlled and uncontrolled. */
export function text(value: string | number | null | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}

export function formatDateTime(value: Date | string): string {
  const d = typeof value === "string" ? new Date(value) : value;
  // ISO-like and 24-hour: unambiguous for operators in any locale.
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
