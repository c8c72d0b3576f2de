import { stripVTControlCharacters } from "node:util";

/**
 * FRR's frr-reload.py is the right tool to move a running FRR to a new frr.conf (it deletes stale lines, which
 * `vtysh -f` cannot), but two of its habits meet nhrpd badly, as the lab showed with FRR 8.4.4:
 *
 * - its second pass re-sends every line the first pass added, and nhrpd refuses a repeated
 *   `ip nhrp nhs … nbma …` with "% Entry exists already", so the reload exits non-zero although the change is in;
 * - with a path space (`-N`), `hostname` and `service integrated-vtysh-config` never show in the running config.
 *
 * So a failed reload is judged by its result: `frr-reload.py --test` lists what still differs, and only lines that
 * can never converge are ignored. Anything else is a real failure, reported with FRR's own error lines.
 */

export interface ReloadDiff {
  toDelete: string[];
  toAdd: string[];
}

/** Lines `--test` always lists, whatever the running config: vtysh-only settings. */
const NEVER_CONVERGE = [/^(no )?hostname \S+$/, /^(no )?service integrated-vtysh-config$/, /^frr (version|defaults) /];

/** Parses the "Lines To Delete" / "Lines To Add" sections `frr-reload.py --test` prints. */
export function parseReloadTest(output: string): ReloadDiff {
  const diff: ReloadDiff = { toDelete: [], toAdd: [] };
  let section: keyof ReloadDiff | null = null;
  for (const raw of output.split("\n")) {
    const line = raw.trimEnd();
    if (line === "Lines To Delete") section = "toDelete";
    else if (line === "Lines To Add") section = "toAdd";
    else if (/^=+$/.test(line)) continue;
    else if (section && line.trim() === "") section = null;
    else if (section) diff[section].push(line.trim());
  }
  return diff;
}

/** What still differs once the lines that can never converge are left out. */
export function remainingDiff(diff: ReloadDiff): ReloadDiff {
  const keep = (l: string) => !NEVER_CONVERGE.some((re) => re.test(l));
  return { toDelete: diff.toDelete.filter(keep), toAdd: diff.toAdd.filter(keep) };
}

/** FRR's own error lines out of a reload log (which is mostly INFO lines and a dump of the new config). */
export function reloadErrors(output: string): string {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^%|^line \d+:|ERROR|WARNING|[Ff]ailed/.test(l) && !/Can't open configuration file/.test(l));
  const unique = [...new Set(lines)];
  return (unique.length ? unique : output.trim().split("\n").slice(-20)).join("\n").slice(-4000);
}

/** vtysh's complaint about a missing vtysh.conf, printed on every call in a path space: noise, not an error */
const VTYSH_CONF_NOISE = /^% Can't open configuration file .*vtysh\.conf/;
/** nhrpd refusing a repeated `ip nhrp nhs …` / `ip nhrp map …` line, as vtysh -f reports it */
const REPEATED_NHRP_LINE = /^line \d+: Failure to communicate\[13\] to nhrpd, line:\s+ip nhrp (nhs|map) \S/;

/**
 * Whether a failed `frr-reload.py --reload` failed only because its second pass re-sent NHRP entries the first
 * pass had added (FRR 8.4's nhrpd says `% Entry exists already`: the entry is there). `vtysh -f` goes on after a
 * refused line, so everything else was applied. Any other error (a refused delete, an unknown command, a daemon
 * not answering) means no: the reload is then judged by `--test` as before. Under load, skipping that second
 * Python run saves a minute per spoke apply (the lab measured 62–75 s).
 */
export function onlyRepeatedNhrpEntries(output: string): boolean {
  let refused = 0;
  for (const raw of output.split("\n")) {
    // frr-reload.py colours its WARNING/ERROR level names
    const line = stripVTControlCharacters(raw).trim();
    if (VTYSH_CONF_NOISE.test(line)) continue;
    if (/\bERROR\b|failed to remove/.test(line)) return false;
    if (line.startsWith("%") && line !== "% Entry exists already") return false;
    if (/^line \d+:/.test(line)) {
      if (!REPEATED_NHRP_LINE.test(line)) return false;
      refused++;
    }
  }
  return refused > 0;
}
