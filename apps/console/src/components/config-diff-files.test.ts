import { createTwoFilesPatch } from "diff";
import { parseDiff } from "react-diff-view";
import { describe, expect, it } from "vitest";
import { countChanges, toGitDiff } from "./config-diff-files";

// The console's own diff format (services/config-diff.ts): one createTwoFilesPatch per file, concatenated.
const patch = (before: string, after: string, a: string, b: string) =>
  createTwoFilesPatch(a, b, before, after, undefined, undefined, { context: 3 });

describe("toGitDiff", () => {
  it("makes the console's per-file patches readable by the diff viewer, added files included", () => {
    const diff =
      "# secret values changed (hidden)\n" +
      patch("a\nb\nc\n", "a\nB\nc\nd\n", "r1/frr.conf", "new/frr.conf") +
      patch("", "x\n", "/dev/null", "new/swanctl.conf");
    const { git, notes } = toGitDiff(diff);
    expect(notes).toEqual(["secret values changed (hidden)"]);
    const files = parseDiff(git);
    expect(files.map((f) => [f.type, f.newPath])).toEqual([
      ["modify", "new/frr.conf"],
      ["add", "new/swanctl.conf"],
    ]);
    expect(files[0]!.hunks[0]!.changes.map((c) => c.type)).toEqual(["normal", "delete", "insert", "normal", "insert"]);
    expect(files[1]!.hunks[0]!.changes.map((c) => [c.type, c.content])).toEqual([["insert", "x"]]);
  });

  it("an empty diff is no file", () => {
    expect(toGitDiff("")).toEqual({ git: "", notes: [] });
  });
});

describe("countChanges", () => {
  it("counts added and removed lines, not the file headers", () => {
    expect(countChanges(patch("a\nb\nc\n", "a\nB\nc\nd\n", "x", "y"))).toEqual({ added: 2, removed: 1 });
    expect(countChanges("")).toEqual({ added: 0, removed: 0 });
  });
});
