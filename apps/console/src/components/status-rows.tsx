"use client";

import type { SiteStatus } from "@dmvpn/protocol";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { Button, Input } from "./ui";
import { useDebounced } from "./use-debounced";

export const STATUS_PAGE_SIZE = 50;

type PagedKind = "nhrpCache" | "ipsecSas" | "bgpNeighbors" | "dmvpnPeers" | "shortcuts" | "nhs" | "tunnels";
type RowOf<K extends PagedKind> = SiteStatus[K][number];

/**
 * One list of a site's status read page by page from the console (status.rows), with a text filter: a hub with
 * 10,000 spokes has 10,000 rows per list, too many to send and render at once. `render` makes a row's cells; the
 * table itself is the caller's (`table`), so every list keeps its columns.
 */
export function PagedStatusRows<K extends PagedKind>({
  siteId,
  kind,
  what,
  table,
  render,
}: {
  siteId: string;
  kind: K;
  /** the rows' name in the pager and filter ("NHRP entries") */
  what: string;
  table: (rows: React.ReactNode[][]) => React.ReactNode;
  render: (row: RowOf<K>) => React.ReactNode[];
}) {
  const trpc = useTRPC();
  const [filterText, setFilterText] = useState("");
  const filter = useDebounced(filterText.trim());
  /** cursors of the pages before this one: [] on the first page */
  const [trail, setTrail] = useState<(string | undefined)[]>([]);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  // a new filter starts again at the first page
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on filter change only
  useEffect(() => {
    setTrail([]);
    setCursor(undefined);
  }, [filter]);
  const q = useQuery(
    trpc.status.rows.queryOptions(
      { siteId, kind, limit: STATUS_PAGE_SIZE, cursor, filter: filter || undefined },
      { refetchInterval: 2000, placeholderData: keepPreviousData },
    ),
  );
  const page = q.data;
  const rows = (page?.rows ?? []) as RowOf<K>[];
  const first = trail.length * STATUS_PAGE_SIZE + 1;
  const paged = (page?.total ?? 0) > STATUS_PAGE_SIZE || filter !== "";
  return (
    <div data-testid={`status-rows-${kind}`}>
      {paged ? (
        <div className="mb-2 flex flex-wrap items-center gap-2">
          <Input
            className="max-w-64"
            placeholder={`Filter ${what}`}
            aria-label={`Filter ${what}`}
            value={filterText}
            onChange={(e) => setFilterText(e.target.value)}
          />
          <span className="text-xs text-zinc-500" data-testid="status-rows-range">
            {page && page.matched > 0
              ? `${first}–${first + rows.length - 1} of ${page.matched}${filter ? ` matching (${page.total} in all)` : ""}`
              : `no ${what} match`}
          </span>
          <span className="ml-auto flex gap-1">
            <Button
              variant="secondary"
              disabled={trail.length === 0}
              onClick={() => {
                setCursor(trail.at(-1));
                setTrail(trail.slice(0, -1));
              }}
            >
              Previous
            </Button>
            <Button
              variant="secondary"
              disabled={!page?.nextCursor}
              onClick={() => {
                setTrail([...trail, cursor]);
                setCursor(page?.nextCursor ?? undefined);
              }}
            >
              Next
            </Button>
          </span>
        </div>
      ) : null}
      {q.error ? (
        <p className="text-red-600">{q.error.message}</p>
      ) : page ? (
        table(rows.map(render))
      ) : (
        <p className="text-zinc-500">Loading…</p>
      )}
    </div>
  );
}
