import type { ConfigFile } from "@dmvpn/protocol";
import { maskConfigFiles, maskSecrets, secretValues } from "@dmvpn/render";
import { createTwoFilesPatch } from "diff";

/** Unified diff between two sets of config files, file by file; empty when they are equal. */
export function diffConfigFiles(
  before: ConfigFile[],
  after: ConfigFile[],
  labels = { before: "a", after: "b" },
): string {
  const names = [...new Set([...before.map((f) => f.name), ...after.map((f) => f.name)])];
  const old = new Map(before.map((f) => [f.name, f.content]));
  const now = new Map(after.map((f) => [f.name, f.content]));
  return names
    .filter((n) => old.get(n) !== now.get(n))
    .map((n) =>
      createTwoFilesPatch(
        old.has(n) ? `${labels.before}/${n}` : "/dev/null",
        now.has(n) ? `${labels.after}/${n}` : "/dev/null",
        old.get(n) ?? "",
        now.get(n) ?? "",
        undefined,
        undefined,
        { context: 3 },
      ),
    )
    .join("");
}

/** First line of a masked diff whose sides differ in secret values, which the masking would otherwise hide. */
export const SECRETS_CHANGED_NOTE = "# secret values changed (hidden)";

const secretsByFile = (files: ConfigFile[]) =>
  JSON.stringify(
    files.map((f) => [f.name, secretValues(f.content)]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

/**
 * The diff everyone but an admin who asked for the keys sees: both sides masked by position (so a revision
 * rendered with an older key is masked too), and a note when the hidden values differ.
 */
export function diffMaskedConfigFiles(before: ConfigFile[], after: ConfigFile[], labels = { before: "a", after: "b" }) {
  const diff = diffConfigFiles(maskConfigFiles(before), maskConfigFiles(after), labels);
  return secretsByFile(before) === secretsByFile(after) ? diff : `${SECRETS_CHANGED_NOTE}\n${diff}`;
}

/** Deployed files against a router's running config (any syntax it reports), both masked. */
export function diffMaskedRunning(deployed: ConfigFile[], running: string, labels: { before: string; after: string }) {
  return diffTexts(joinConfigFiles(maskConfigFiles(deployed)), maskSecrets(running), labels);
}

/** The single-text form used when an agent reports its running config (`show running-config`). */
export function joinConfigFiles(files: ConfigFile[]): string {
  return files.map((f) => `# ${f.name}\n${f.content}`).join("\n");
}

export function diffTexts(before: string, after: string, labels: { before: string; after: string }): string {
  if (before === after) return "";
  return createTwoFilesPatch(labels.before, labels.after, before, after, undefined, undefined, { context: 3 });
}
