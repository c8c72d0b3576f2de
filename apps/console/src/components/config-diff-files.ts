/**
 * The console's config diffs are `diff`'s createTwoFilesPatch output, one patch per file, each after a line of
 * "=". The diff viewer (react-diff-view, through gitdiff-parser) reads git's format, so each patch gets a
 * `diff --git` header; the masked-secrets note (a "# …" first line) is returned apart.
 */
export function toGitDiff(diff: string): { git: string; notes: string[] } {
  const notes: string[] = [];
  const patches: string[] = [];
  for (const chunk of diff.split(/^=+\n/m)) {
    const lines = chunk.split("\n");
    while (lines.length && lines[0]!.startsWith("# ")) notes.push(lines.shift()!.slice(2));
    const oldIdx = lines.findIndex((l) => l.startsWith("--- "));
    if (oldIdx < 0 || !lines[oldIdx + 1]?.startsWith("+++ ")) continue;
    const path = (l: string) => l.slice(4).split("\t")[0]!.trim();
    const before = path(lines[oldIdx]!);
    const after = path(lines[oldIdx + 1]!);
    const a = before === "/dev/null" ? before : `a/${before}`;
    const b = after === "/dev/null" ? after : `b/${after}`;
    const name = (p: string) => (p === "/dev/null" ? p : p.slice(2));
    patches.push(
      [
        `diff --git a/${name(a === "/dev/null" ? b : a)} b/${name(b === "/dev/null" ? a : b)}`,
        ...(a === "/dev/null" ? ["new file mode 100644"] : b === "/dev/null" ? ["deleted file mode 100644"] : []),
        `--- ${a}`,
        `+++ ${b}`,
        ...lines.slice(oldIdx + 2),
      ].join("\n"),
    );
  }
  return { git: patches.join("\n"), notes };
}

/** Lines added and removed in a unified diff (headers not counted). */
export function countChanges(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ ") || line.startsWith("--- ")) continue;
    if (line.startsWith("+")) added++;
    else if (line.startsWith("-")) removed++;
  }
  return { added, removed };
}
