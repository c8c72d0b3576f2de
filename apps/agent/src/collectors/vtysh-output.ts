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

/** One command's share of a batched vtysh call; `ran: false` when vtysh stopped before reaching it. */
export interface VtyshCommandOutput {
  command: string;
  ran: boolean;
  stdout: string;
  exitCode: number;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Splits the stdout of `vtysh -E -c A -c B …` per command. `-E` echoes `<prompt><command>` on its own line before
 * each command's output (the prompt is `<hostname># `, and the hostname is vtysh's, which need not be the
 * router's), so each echo line is looked for in order, after the previous one. vtysh runs the commands one after
 * another and exits 1 at the first that fails (FRR 8.4 has no option to go on), so the exit status belongs to the
 * last command that ran and the ones after it did not run.
 */
export function splitVtyshBatch(stdout: string, commands: readonly string[], exitCode: number): VtyshCommandOutput[] {
  const lines = stdout.split("\n");
  const echoAt: number[] = [];
  let from = 0;
  for (const command of commands) {
    const echo = new RegExp(`^\\S*# ${escapeRegExp(command)}$`);
    const at = lines.findIndex((line, i) => i >= from && echo.test(line.trimEnd()));
    if (at === -1) break;
    echoAt.push(at);
    from = at + 1;
  }
  return commands.map((command, i) => {
    const start = echoAt[i];
    if (start === undefined) return { command, ran: false, stdout: "", exitCode: 1 };
    const end = echoAt[i + 1] ?? lines.length;
    const last = i === echoAt.length - 1;
    return { command, ran: true, stdout: lines.slice(start + 1, end).join("\n"), exitCode: last ? exitCode : 0 };
  });
}
