/**
 * vtysh output quirks: an empty table prints `% No entries` and exits 1; before FRR 10.2 `show ip nhrp shortcut
 * json` prints the text header first. Returns the parsed JSON, or `null` for an empty table.
 */
export class CollectorError extends Error {}

const EMPTY_MARKERS = [/^% No entries/m, /^% No BGP neighbors found/m, /^% BGP instance not found/m];

export function parseVtyshJson(stdout: string, exitCode = 0): unknown | null {
  const start = stdout.search(/[[{]/);
  if (start === -1) {
    if (EMPTY_MARKERS.some((re) => re.test(stdout))) return null;
    throw new CollectorError(`vtysh exited ${exitCode} without JSON: ${stdout.trim().slice(0, 200)}`);
  }
  try {
    return JSON.parse(stdout.slice(start));
  } catch {
    throw new CollectorError("vtysh printed malformed JSON");
  }
}
