"use client";

import { PLATFORMS, SITE_ROLES } from "@dmvpn/inventory";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import type { SiteListQuery } from "~/server/services/sites";
import { useTRPC } from "~/trpc/react";
import { formatDateTime } from "./form-helpers";
import { LinkButton, textLinkClass } from "./link-button";
import { Pagination } from "./pagination";
import { useSessionUser } from "./session";
import { SiteBulkBar } from "./site-bulk-bar";
import { SiteStateCell } from "./site-state-cell";
import { Badge, Card, cx, ErrorBanner, Input, PageHeader, Select, tableClass } from "./ui";

const PAGE_SIZE = 50;
const SORTS = ["name", "network", "role", "platform", "tunnelAddress", "updatedAt"] as const;
type Sort = (typeof SORTS)[number];

/** The table's state lives in the URL (?search=&networkId=&role=&platform=&tag=&sort=&dir=&page=). */
function readQuery(params: URLSearchParams): SiteListQuery & { sort: Sort; direction: "asc" | "desc"; page: number } {
  const pick = <T extends string>(key: string, allowed: readonly T[]) => {
    const v = params.get(key);
    return v && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
  };
  const page = Number(params.get("page"));
  return {
    search: params.get("search")?.trim() || undefined,
    networkId: params.get("networkId") || undefined,
    role: pick("role", SITE_ROLES),
    platform: pick("platform", PLATFORMS),
    tag: params.get("tag") || undefined,
    sort: pick("sort", SORTS) ?? "name",
    direction: params.get("dir") === "desc" ? "desc" : "asc",
    page: Number.isInteger(page) && page > 0 ? page : 1,
    pageSize: PAGE_SIZE,
  };
}

export function SiteTable() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const pathname = usePathname();
  const { canEdit } = useSessionUser();
  const query = readQuery(params);
  const sites = useQuery(trpc.sites.list.queryOptions(query, { placeholderData: keepPreviousData }));
  const networks = useQuery(trpc.networks.list.queryOptions());
  const tags = useQuery(trpc.sites.tags.queryOptions());
  const pageIds = sites.data?.rows.map((r) => r.id) ?? [];
  const states = useQuery(
    trpc.sites.states.queryOptions(
      { siteIds: pageIds },
      { enabled: pageIds.length > 0, placeholderData: keepPreviousData, refetchInterval: 10_000 },
    ),
  );
  const stateOf = useMemo(() => new Map((states.data ?? []).map((s) => [s.siteId, s])), [states.data]);

  // Selection: sites ticked by hand, or "every site matching the filter" (all pages). A new filter clears it.
  const siteFilter = {
    search: query.search,
    networkId: query.networkId,
    role: query.role,
    platform: query.platform,
    tag: query.tag,
  };
  const filterKey = JSON.stringify(siteFilter);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter changing is the trigger
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [filterKey]);
  const toggle = (id: string) => {
    setAllMatching(false);
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const pageAllSelected = pageIds.length > 0 && pageIds.every((id) => allMatching || selected.has(id));

  /**
   * History API calls are picked up by Next's router (useSearchParams updates) without a server round trip;
   * filters push an entry so Back undoes them, typing in the search box replaces it.
   */
  const setParams = (changes: Record<string, string | undefined>, mode: "push" | "replace" = "push") => {
    // The location, not the hook's value: two quick changes must not build on the same stale state.
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!("page" in changes)) next.delete("page");
    const qs = next.toString();
    const url = qs ? `${pathname}?${qs}` : pathname;
    if (mode === "push") window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  };

  const [searchText, setSearchText] = useState(query.search ?? "");
  const urlSearch = query.search ?? "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the typed text starts the debounce
  useEffect(() => {
    if (searchText.trim() === urlSearch) return;
    const timer = setTimeout(() => setParams({ search: searchText.trim() || undefined }, "replace"), 250);
    return () => clearTimeout(timer);
  }, [searchText]);

  const sortBy = (column: Sort) => {
    const direction =
      query.sort === column ? (query.direction === "asc" ? "desc" : "asc") : column === "updatedAt" ? "desc" : "asc";
    setParams({ sort: column === "name" ? undefined : column, dir: direction === "asc" ? undefined : "desc" });
  };

  const header = (column: Sort, label: string) => {
    const active = query.sort === column;
    return (
      <th aria-sort={active ? (query.direction === "asc" ? "ascending" : "descending") : "none"}>
        <button
          type="button"
          onClick={() => sortBy(column)}
          className={cx(
            "inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-zinc-100",
            active && "text-zinc-900 dark:text-zinc-100",
          )}
        >
          {label}
          <span aria-hidden className={cx("text-[10px]", !active && "invisible")}>
            {query.direction === "asc" ? "▲" : "▼"}
          </span>
        </button>
      </th>
    );
  };

  const filter = (
    id: string,
    label: string,
    value: string | undefined,
    options: { value: string; label: string }[],
  ) => (
    <div className="flex items-center gap-1.5">
      <label htmlFor={id} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {label}
      </label>
      <Select
        id={id}
        value={value ?? ""}
        onChange={(e) => setParams({ [id.replace("filter-", "")]: e.target.value || undefined })}
        className="w-auto max-w-48 py-1"
      >
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    </div>
  );

  const data = sites.data;
  const network = networks.data?.find((n) => n.id === query.networkId);
  return (
    <>
      <PageHeader
        title="Sites"
        subtitle={network ? `Hubs and spokes of ${network.name}` : "Hubs and spokes of every network"}
        actions={
          canEdit ? (
            <LinkButton href={query.networkId ? `/sites/new?networkId=${query.networkId}` : "/sites/new"}>
              New site
            </LinkButton>
          ) : null
        }
      />
      <Card className="[&>div]:p-0">
        <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 p-3 dark:border-zinc-800">
          <Input
            type="search"
            aria-label="Search sites"
            placeholder="Search name, address, tag…"
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            className="w-64 py-1"
          />
          {filter(
            "filter-networkId",
            "Network",
            query.networkId,
            (networks.data ?? []).map((n) => ({ value: n.id, label: n.name })),
          )}
          {filter(
            "filter-role",
            "Role",
            query.role,
            SITE_ROLES.map((r) => ({ value: r, label: r })),
          )}
          {filter(
            "filter-platform",
            "Platform",
            query.platform,
            PLATFORMS.map((p) => ({ value: p, label: p })),
          )}
          {filter(
            "filter-tag",
            "Tag",
            query.tag,
            (tags.data ?? []).map((t) => ({ value: t, label: t })),
          )}
          <div className="ml-auto">
            {data ? (
              <Pagination
                page={data.page}
                pageSize={data.pageSize}
                total={data.total}
                onPage={(page) => setParams({ page: page > 1 ? String(page) : undefined })}
              />
            ) : null}
          </div>
        </div>
        {data && pageAllSelected && !allMatching ? (
          <p className="border-b border-zinc-200 p-2 text-center text-xs dark:border-zinc-800">
            {data.total > pageIds.length ? `All ${pageIds.length} sites on this page are selected. ` : null}
            <button type="button" className={textLinkClass} onClick={() => setAllMatching(true)}>
              Select all {data.total} sites matching the filter
            </button>
          </p>
        ) : null}
        {data && (allMatching || selected.size > 0) ? (
          <SiteBulkBar
            selection={allMatching ? { filter: siteFilter } : { siteIds: [...selected] }}
            count={allMatching ? data.total : selected.size}
            canEdit={canEdit}
            onClear={() => {
              setSelected(new Set());
              setAllMatching(false);
            }}
          />
        ) : null}
        {sites.error ? (
          <div className="p-3">
            <ErrorBanner message={sites.error.message} />
          </div>
        ) : null}
        <div className={cx("overflow-x-auto transition-opacity", sites.isPlaceholderData && "opacity-60")}>
          <table className={tableClass}>
            <thead>
              <tr>
                <th className="w-8">
                  <input
                    type="checkbox"
                    aria-label="Select the sites on this page"
                    checked={pageAllSelected}
                    onChange={() => {
                      setAllMatching(false);
                      setSelected(pageAllSelected ? new Set() : new Set(pageIds));
                    }}
                  />
                </th>
                {header("name", "Name")}
                {header("network", "Network")}
                {header("role", "Role")}
                {header("platform", "Platform")}
                <th>State</th>
                {header("tunnelAddress", "Tunnel address")}
                <th>Public address</th>
                <th>LAN prefixes</th>
                <th>Tags</th>
                {header("updatedAt", "Updated")}
              </tr>
            </thead>
            <tbody>
              {data?.rows.map((s) => (
                <tr key={s.id} data-site={s.name} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${s.name}`}
                      checked={allMatching || selected.has(s.id)}
                      onChange={() => toggle(s.id)}
                    />
                  </td>
                  <td>
                    <Link href={`/sites/${s.id}`} className={textLinkClass}>
                      {s.name}
                    </Link>
                  </td>
                  <td>
                    <Link href={`/networks/${s.networkId}`} className="hover:underline">
                      {s.network}
                    </Link>
                  </td>
                  <td>
                    <Badge tone={s.role === "hub" ? "blue" : "neutral"}>{s.role}</Badge>
                  </td>
                  <td className="whitespace-nowrap">{s.platform}</td>
                  <td className="min-w-44">
                    <SiteStateCell state={stateOf.get(s.id)} role={s.role} />
                  </td>
                  <td className="font-mono">{s.tunnelAddress}</td>
                  <td className="whitespace-nowrap">
                    {s.publicAddress ? (
                      <span className="font-mono">{s.publicAddress}</span>
                    ) : (
                      <span className="text-zinc-500">dynamic</span>
                    )}{" "}
                    {s.behindNat ? <Badge tone="amber">NAT</Badge> : null}
                  </td>
                  <td className="font-mono text-xs">
                    {s.lanPrefixes.slice(0, 3).join(", ")}
                    {s.lanPrefixes.length > 3 ? (
                      <span className="text-zinc-500" title={s.lanPrefixes.join(", ")}>
                        {" "}
                        +{s.lanPrefixes.length - 3}
                      </span>
                    ) : null}
                  </td>
                  <td>
                    <span className="flex flex-wrap gap-1">
                      {s.tags.map((t) => (
                        <Badge key={t}>{t}</Badge>
                      ))}
                    </span>
                  </td>
                  <td className="whitespace-nowrap text-xs text-zinc-500">{formatDateTime(s.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {data && data.rows.length === 0 ? (
            <p className="p-4 text-zinc-500">
              {query.search || query.role || query.platform || query.tag || query.networkId
                ? "No site matches these filters."
                : "No sites yet."}
            </p>
          ) : null}
          {!data && !sites.error ? <p className="p-4 text-zinc-500">Loading…</p> : null}
        </div>
      </Card>
    </>
  );
}
