"use client";

import "react-diff-view/style/index.css";
import { useMemo } from "react";
import { Decoration, Diff, Hunk, parseDiff } from "react-diff-view";
import { toGitDiff } from "./config-diff-files";

/** A config diff as coloured hunks, side by side ("split") or unified, one block per file. */
export function ConfigDiffView({ diff, viewType }: { diff: string; viewType: "split" | "unified" }) {
  const { files, notes } = useMemo(() => {
    const { git, notes } = toGitDiff(diff);
    return { files: git ? parseDiff(git) : [], notes };
  }, [diff]);
  return (
    <div data-testid="deployment-diff" className="config-diff space-y-2 text-xs">
      {notes.map((n) => (
        <p key={n} className="text-amber-700 dark:text-amber-300">
          {n}
        </p>
      ))}
      {files.map((f) => (
        <div
          key={`${f.oldPath}>${f.newPath}`}
          className="overflow-x-auto rounded border border-zinc-200 dark:border-zinc-800"
        >
          <p className="bg-zinc-100 px-2 py-1 font-mono text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
            {f.type === "add" ? `${f.newPath} (new file)` : f.newPath}
          </p>
          <Diff viewType={viewType} diffType={f.type} hunks={f.hunks} className="font-mono">
            {(hunks) =>
              // the @@ line between hunks: without it, line 6 followed by line 36 reads as adjacent
              hunks.flatMap((h) => [
                <Decoration key={`at-${h.content}`}>
                  <span className="block bg-sky-50 px-2 py-0.5 text-zinc-500 dark:bg-sky-950/40">{h.content}</span>
                </Decoration>,
                <Hunk key={h.content} hunk={h} />,
              ])
            }
          </Diff>
        </div>
      ))}
    </div>
  );
}
