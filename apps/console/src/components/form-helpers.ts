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

// Dates go through the console's one time module; re-exported for the components that import it from here.
export { formatDateTime } from "./time";
