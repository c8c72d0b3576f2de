import type { ConfigFile } from "@dmvpn/protocol";
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

/** The single-text form used when an agent reports its running config (`show running-config`). */
export function joinConfigFiles(files: ConfigFile[]): string {
  return files.map((f) => `# ${f.name}\n${f.content}`).join("\n");
}

export function diffTexts(before: string, after: string, labels: { before: string; after: string }): string {
  if (before === after) return "";
  return createTwoFilesPatch(labels.before, labels.after, before, after, undefined, undefined, { context: 3 });
}
