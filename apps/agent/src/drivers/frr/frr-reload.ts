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
