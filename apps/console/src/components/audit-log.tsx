"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useEffect, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { AUDIT_ENTITY_LABELS, AUDIT_ENTITY_TYPES, auditEntityHref } from "./audit-entities";
import { LocalTime } from "./local-time";
import { Pagination } from "./pagination";
import { Badge, Button, Card, cx, ErrorBanner, Input, PageHeader, Select, SkeletonRows, tableClass } from "./ui";
import { useDebounced } from "./use-debounced";

const PAGE_SIZE = 50;

export function AuditLog({ role }: { role: "admin" | "operator" | "viewer" }) {
  const trpc = useTRPC();
  const [entityType, setEntityType] = useState("");
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const actionQuery = useDebounced(action.trim());
  const actorQuery = useDebounced(actor.trim());
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts again at page 1
  useEffect(() => setPage(1), [entityType, actionQuery, actorQuery]);

  const events = useQuery(
    trpc.audit.list.queryOptions(
      {
        entityType: entityType || undefined,
        action: actionQuery || undefined,
        actor: actorQuery || undefined,
        page,
        pageSize: PAGE_SIZE,
      },
      { placeholderData: keepPreviousData },
    ),
  );

  const exportHref = (format: "csv" | "json") => {
    const q = new URLSearchParams({ format });
    if (entityType) q.set("entityType", entityType);
    if (actionQuery) q.set("action", actionQuery);
    if (actorQuery) q.set("actor", actorQuery);
    return `/api/audit/export?${q}`;
  };

  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Every change and every sensitive read, newest first. Secrets are redacted."
        actions={
          <>
            <a
              className="rounded border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
              href={exportHref("csv")}
              download
            >
              Export CSV
            </a>
            <a
              className="rounded border border-zinc-300 px-3 py-1.5 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
              href={exportHref("json")}
              download
            >
              Export JSON
            </a>
          </>
        }
      />
      <Card className="[&>div]:p-0">
        <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 p-3 dark:border-zinc-800">
          <div className="flex items-center gap-1.5">
            <label
              htmlFor="audit-entity"
              className="whitespace-nowrap text-xs font-medium text-zinc-600 dark:text-zinc-400"
            >
              Entity type
            </label>
            <Select
              id="audit-entity"
              value={entityType}
              onChange={(e) => setEntityType(e.target.value)}
              className="w-auto py-1"
            >
              <option value="">All</option>
              {AUDIT_ENTITY_TYPES.map((t) => (
                <option key={t} value={t}>
                  {AUDIT_ENTITY_LABELS[t]}
                </option>
              ))}
            </Select>
          </div>
          <div className="flex w-full items-center gap-1.5 sm:w-auto">
            <label htmlFor="audit-action" className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
              Action
            </label>
            <Input
              id="audit-action"
              value={action}
              onChange={(e) => setAction(e.target.value)}
              placeholder="e.g. site. or network.update"
              title="Actions starting with this text"
              className="min-w-0 flex-1 py-1 font-mono sm:w-60 sm:flex-none"
            />
          </div>
          <div className="flex w-full items-center gap-1.5 sm:w-auto">
            <label htmlFor="audit-actor" className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
              Actor
            </label>
            <Input
              id="audit-actor"
              value={actor}
              onChange={(e) => setActor(e.target.value)}
              placeholder="actor contains…"
              className="min-w-0 flex-1 py-1 sm:w-52 sm:flex-none"
            />
          </div>
          <div className="ml-auto">
            {events.data ? (
              <Pagination page={page} pageSize={PAGE_SIZE} total={events.data.total} onPage={setPage} />
            ) : null}
          </div>
        </div>
        {events.error ? (
          <div className="p-3">
            <ErrorBanner message={events.error.message} />
          </div>
        ) : null}
        <div className={cx("relative overflow-x-auto", events.isPlaceholderData && "opacity-60")}>
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Time</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Entity</th>
                <th>
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {events.data?.rows.map((e) => {
                const hasDetails = e.before !== null || e.after !== null;
                const expanded = open.has(e.id);
                return (
                  <Fragment key={e.id}>
                    <tr className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
                      <td className="whitespace-nowrap font-mono text-xs">
                        <LocalTime value={e.at} />
                      </td>
                      <td>
                        {e.actorName} {e.actorType !== "user" ? <Badge tone="violet">{e.actorType}</Badge> : null}
                      </td>
                      <td className="font-mono text-xs">{e.action}</td>
                      <td>
                        <span className="text-zinc-500">{e.entityType}</span> <EntityLink entry={e} role={role} />
                      </td>
                      <td className="text-right">
                        {hasDetails ? (
                          <Button
                            variant="ghost"
                            className="py-0.5 text-xs"
                            aria-expanded={expanded}
                            onClick={() => toggle(e.id)}
                          >
                            {expanded ? "Hide details" : "Details"}
                          </Button>
                        ) : null}
                      </td>
                    </tr>
                    {expanded ? (
                      <tr>
                        <td colSpan={5} className="bg-zinc-50 dark:bg-zinc-950">
                          <div className="grid gap-3 md:grid-cols-2">
                            <JsonBlock title="Before" value={e.before} other={e.after} />
                            <JsonBlock title="After" value={e.after} other={e.before} />
                          </div>
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
          {events.data && events.data.rows.length === 0 ? (
            <p className="p-4 text-zinc-500">No events match these filters.</p>
          ) : null}
          {!events.data && !events.error ? <SkeletonRows /> : null}
        </div>
      </Card>
    </>
  );
}

/** The entity's name (or the type, when the entry has none) as a link to where the entity lives. */
function EntityLink({
  entry,
  role,
}: {
  entry: { entityType: string; entityId: string | null; entityName: string | null; action: string };
  role: "admin" | "operator" | "viewer";
}) {
  const href = auditEntityHref(entry, role);
  const name = entry.entityName ?? (href ? "open" : null);
  if (!name) return null;
  return href ? (
    <Link className="font-medium text-sky-700 hover:underline dark:text-sky-400" href={href}>
      {name}
    </Link>
  ) : (
    <span className="font-medium">{name}</span>
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One side of a before/after pair; top-level keys whose value differs from the other side are highlighted. */
function JsonBlock({ title, value, other }: { title: string; value: unknown; other: unknown }) {
  return (
    <div className="min-w-0">
      <div className="mb-1 text-xs font-medium text-zinc-500">{title}</div>
      {value === null ? (
        <p className="text-xs text-zinc-400">—</p>
      ) : (
        <pre className="max-h-96 overflow-auto rounded border border-zinc-200 bg-white p-2 font-mono text-[11px] leading-snug dark:border-zinc-800 dark:bg-zinc-900">
          {isRecord(value) && isRecord(other)
            ? Object.entries(value).map(([key, v]) => (
                <div
                  key={key}
                  className={cx(
                    JSON.stringify(v) !== JSON.stringify(other[key]) &&
                      "bg-amber-100 dark:bg-amber-950 dark:text-amber-200",
                  )}
                >
                  {`${JSON.stringify(key)}: ${JSON.stringify(v, null, 2).replace(/\n/g, "\n  ")}`}
                </div>
              ))
            : JSON.stringify(value, null, 2)}
        </pre>
      )}
    </div>
  );
}
