import type { ConfigFile } from "@dmvpn/protocol";
import { ApplyError } from "../driver";

export const SCRIPT_TEMPLATE = "source /opt/vyatta/etc/functions/script-template";

/**
 * Config lines are executed by vbash, so each must be a plain `set`/`delete` of words and single-quoted values:
 * no shell metacharacters outside quotes, no quotes inside values.
 */
const TOKEN = String.raw`(?:[A-Za-z0-9_./:@+,=-]+|'[^'\n]*')`;
const LINE = new RegExp(`^(?:set|delete) ${TOKEN}(?: ${TOKEN})*$`);

export function configLines(files: ConfigFile[]): string[] {
  const lines: string[] = [];
  for (const f of files) {
    f.content.split("\n").forEach((raw, i) => {
      const line = raw.trim();
      if (!line || line.startsWith("#")) return;
      if (!LINE.test(line)) throw new ApplyError(`${f.name} line ${i + 1}: not a plain set/delete command`);
      lines.push(line);
    });
  }
  if (!lines.length) throw new ApplyError("no set commands in the deployment");
  return lines;
}

/** VyOS reverts by itself if the agent dies; one extra minute so the agent's own rollback normally comes first. */
export function commitConfirmMinutes(windowSeconds: number): number {
  return Math.ceil(windowSeconds / 60) + 1;
}

export function applyScript(lines: string[], windowSeconds: number): string {
  return [
    SCRIPT_TEMPLATE,
    "configure",
    ...lines,
    `commit-confirm ${commitConfirmMinutes(windowSeconds)}`,
    "exit",
    "",
  ].join("\n");
}

/** A plain commit, for the one-off settings the agent needs before its first commit-confirm. */
export function prepareScript(lines: string[]): string {
  return [SCRIPT_TEMPLATE, "configure", ...lines, "commit", "save", "exit", ""].join("\n");
}

/** The running config as `set` commands, the form the renderer writes and the drift check compares. */
export function showCommandsScript(): string {
  return [SCRIPT_TEMPLATE, "run show configuration commands", ""].join("\n");
}

export function confirmScript(): string {
  return [SCRIPT_TEMPLATE, "configure", "confirm", "save", "exit", ""].join("\n");
}

export function saveRunningScript(path: string): string {
  return [SCRIPT_TEMPLATE, "configure", `save ${path}`, "exit", ""].join("\n");
}

/**
 * Load the saved config and commit it, and only then end a pending commit-confirm and save. Chained with `&&`:
 * if the restore fails, VyOS's own timer stays armed and still reverts (1.5: reload, 1.4: reboot).
 */
export function rollbackScript(path: string): string {
  return [SCRIPT_TEMPLATE, "configure", `load ${path} && commit && confirm && save`, "exit", ""].join("\n");
}

// "Another confirm is pending" / "commit-confirm canceled": vyos-1x config_mgmt.py commit_confirm() refuses to
// start a second timer and reports it only as text; the change would otherwise pass for applied without a net.
const FAILURE =
  /(Commit failed|Set failed|Delete failed|Invalid command|is not valid|Configuration path: .* is not valid|Load failed|Another confirm is pending|commit-confirm canceled)/;

/** The router's whole output when it reports a failure; the protocol's limit is applied when it is sent. */
export function vyosFailure(output: string): string | null {
  return FAILURE.test(output) ? output.trim() : null;
}
