"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { SiteSelection } from "~/server/services/site-bulk";
import { useTRPC } from "~/trpc/react";
import { LinkButton } from "./link-button";
import { Button, ErrorBanner, Input } from "./ui";

/** Where "Deploy" goes: the preview of exactly these sites, or of every site matching the filter. */
export function deployHref(selection: SiteSelection): string {
  if ("siteIds" in selection) return `/deployments/new?siteIds=${selection.siteIds.join(",")}`;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(selection.filter)) if (v) q.set(k, String(v));
  q.set("filter", "1");
  return `/deployments/new?${q.toString()}`;
}

const splitTags = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);

/** Actions on the selected sites (or all matching the filter): deploy, add/remove tags, export CSV. */
export function SiteBulkBar({
  selection,
  count,
  canEdit,
  onClear,
}: {
  selection: SiteSelection;
  count: number;
  canEdit: boolean;
  onClear: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [tagText, setTagText] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const tag = useMutation(
    trpc.sites.bulkTag.mutationOptions({
      onSuccess: (r) => {
        setMessage(`Tags changed on ${r.changed} of ${r.selected} sites.`);
        setTagText("");
        void queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() });
      },
    }),
  );
  const exportCsv = async () => {
    setExportError(null);
    try {
      const r = await queryClient.fetchQuery(trpc.sites.exportCsv.queryOptions({ selection }, { staleTime: 0 }));
      const url = URL.createObjectURL(new Blob([r.csv], { type: "text/csv;charset=utf-8" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = r.filename;
      a.click();
      URL.revokeObjectURL(url);
      setMessage(`Exported ${r.rows} sites.`);
    } catch (e) {
      setExportError((e as Error).message);
    }
  };
  return (
    <div
      data-testid="bulk-bar"
      className="flex flex-wrap items-center gap-2 border-b border-sky-200 bg-sky-50 p-3 dark:border-sky-900 dark:bg-sky-950/40"
    >
      <strong className="text-sm">
        {count} site{count === 1 ? "" : "s"} selected{"filter" in selection ? " (all matching the filter)" : ""}
      </strong>
      {canEdit ? <LinkButton href={deployHref(selection)}>Deploy…</LinkButton> : null}
      {canEdit ? (
        <form
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            const words = splitTags(tagText);
            // "-tag" removes it, anything else adds it
            tag.mutate({
              selection,
              add: words.filter((w) => !w.startsWith("-")),
              remove: words.filter((w) => w.startsWith("-")).map((w) => w.slice(1)),
            });
          }}
        >
          <Input
            aria-label="Tags to add (prefix - to remove)"
            placeholder="tag, -tag to remove"
            value={tagText}
            onChange={(e) => setTagText(e.target.value)}
            className="w-44 py-1"
          />
          <Button type="submit" variant="secondary" disabled={tag.isPending || !tagText.trim()}>
            Apply tags
          </Button>
        </form>
      ) : null}
      <Button variant="secondary" onClick={exportCsv}>
        Export CSV
      </Button>
      <Button variant="ghost" onClick={onClear}>
        Clear selection
      </Button>
      {message ? (
        <span className="text-xs text-zinc-600 dark:text-zinc-400" role="status">
          {message}
        </span>
      ) : null}
      <div className="w-full empty:hidden">
        <ErrorBanner message={tag.error?.message ?? exportError} />
      </div>
    </div>
  );
}
