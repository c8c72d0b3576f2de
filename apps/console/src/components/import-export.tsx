"use client";

import { SITE_CSV_COLUMNS } from "@dmvpn/inventory";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { useSessionUser } from "./session";
import { Badge, Button, Card, ErrorBanner, PageHeader, Select, Textarea, tableClass } from "./ui";

type Format = "yaml" | "csv";

function formatFromName(name: string): Format | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  return null;
}

/** Pasted text without a file name: a CSV starts with a header row naming known columns. */
function guessFormat(text: string): Format {
  const header = text.replace(/^\uFEFF/, "").split("\n", 1)[0] ?? "";
  const cells = header.split(",").map((c) => c.trim());
  return cells.length > 1 && cells.some((c) => (SITE_CSV_COLUMNS as readonly string[]).includes(c)) ? "csv" : "yaml";
}

/** "row[3].lanPrefixes[0]" is line 3 of the CSV file (the header is line 1). */
function csvLine(where: string): number | null {
  const match = /^row\[(\d+)\]/.exec(where);
  return match ? Number(match[1]) : null;
}

export function ImportExport() {
  const { canEdit, isAdmin } = useSessionUser();
  return (
    <>
      <PageHeader
        title="Import / export"
        subtitle="The inventory as a YAML file (networks and sites) or a CSV of sites. Imports are checked in full before anything is written."
      />
      <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        {canEdit ? (
          <ImportCard />
        ) : (
          <Card title="Import">
            <p className="text-zinc-500">Importing needs the operator or admin role.</p>
          </Card>
        )}
        <div className="space-y-4">
          <ExportCard isAdmin={isAdmin} />
          <CsvHelp />
        </div>
      </div>
    </>
  );
}

function ImportCard() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [formatChoice, setFormatChoice] = useState<"auto" | Format>("auto");
  const [previewed, setPreviewed] = useState<{ text: string; format: Format } | null>(null);
  const preview = useMutation(trpc.inventory.previewImport.mutationOptions());
  const apply = useMutation(
    trpc.inventory.applyImport.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.networks.pathKey() }),
        ]);
        router.refresh();
      },
    }),
  );

  const format: Format =
    formatChoice !== "auto" ? formatChoice : ((fileName ? formatFromName(fileName) : null) ?? guessFormat(text));
  const current = previewed && previewed.text === text && previewed.format === format;
  const result = current ? preview.data : undefined;
  const issues = result?.issues ?? [];
  const canImport = Boolean(result && issues.length === 0 && !apply.isPending && !apply.isSuccess);

  const reset = () => {
    preview.reset();
    apply.reset();
    setPreviewed(null);
  };

  async function onFile(e: React.ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    reset();
    setFileName(file.name);
    setText(await file.text());
  }

  function runPreview() {
    apply.reset();
    setPreviewed({ text, format });
    preview.mutate({ format, text });
  }

  return (
    <Card title="Import">
      <div className="space-y-3">
        <div className="flex flex-wrap items-end gap-4">
          <div className="space-y-1">
            <label htmlFor="import-file" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
              File
            </label>
            <input
              id="import-file"
              type="file"
              accept=".csv,.yaml,.yml"
              onChange={(e) => void onFile(e)}
              className="block text-xs file:mr-2 file:rounded file:border file:border-zinc-300 file:bg-white file:px-2 file:py-1 file:text-[13px] dark:file:border-zinc-700 dark:file:bg-zinc-900 dark:file:text-zinc-100"
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="import-format" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
              Format
            </label>
            <Select
              id="import-format"
              value={formatChoice}
              onChange={(e) => setFormatChoice(e.target.value as "auto" | Format)}
              className="w-auto py-1"
            >
              <option value="auto">Automatic ({format.toUpperCase()})</option>
              <option value="yaml">YAML</option>
              <option value="csv">CSV (sites)</option>
            </Select>
          </div>
        </div>
        <div className="space-y-1">
          <label htmlFor="import-text" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
            Contents {fileName ? <span className="font-normal text-zinc-500">— {fileName}</span> : "(or paste here)"}
          </label>
          <Textarea
            id="import-text"
            rows={10}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setFileName(null);
            }}
            spellCheck={false}
            wrap="off"
            className="text-xs"
            placeholder={`${SITE_CSV_COLUMNS.join(",")}\n…`}
          />
        </div>
        <div className="flex items-center gap-2">
          <Button onClick={runPreview} disabled={!text.trim() || preview.isPending} variant="secondary">
            {preview.isPending ? "Checking…" : "Preview"}
          </Button>
          <Button onClick={() => apply.mutate({ format, text })} disabled={!canImport}>
            {apply.isPending ? "Importing…" : "Import"}
          </Button>
          {previewed && !current ? (
            <span className="text-xs text-zinc-500">Changed since the preview: preview again.</span>
          ) : null}
        </div>
        <ErrorBanner message={preview.error?.message ?? apply.error?.message} />
        {apply.data ? (
          <div
            role="status"
            className="rounded border border-emerald-300 bg-emerald-50 px-3 py-2 text-emerald-800 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-300"
          >
            Imported: {apply.data.counts.create} created, {apply.data.counts.update} updated,{" "}
            {apply.data.counts.unchanged} unchanged.
          </div>
        ) : null}
        {result && issues.length > 0 ? <IssueTable issues={issues} format={previewed?.format ?? format} /> : null}
        {result && issues.length === 0 && !apply.data ? <ChangeList preview={result} /> : null}
      </div>
    </Card>
  );
}

function IssueTable({ issues, format }: { issues: { where: string; message: string }[]; format: Format }) {
  return (
    <div className="space-y-2">
      <p className="font-medium text-red-700 dark:text-red-400">
        {issues.length} problem{issues.length === 1 ? "" : "s"}: nothing can be imported until every one is fixed.
      </p>
      <div className="max-h-[28rem] overflow-auto rounded border border-zinc-200 dark:border-zinc-800">
        <table className={tableClass}>
          <thead className="sticky top-0 bg-white dark:bg-zinc-900">
            <tr>
              {format === "csv" ? <th className="w-16">Line</th> : null}
              <th>Where</th>
              <th>Problem</th>
            </tr>
          </thead>
          <tbody>
            {issues.map((issue, i) => {
              const line = csvLine(issue.where);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: issues are a fixed list from one preview
                <tr key={i}>
                  {format === "csv" ? <td className="font-semibold tabular-nums">{line ?? "—"}</td> : null}
                  <td className="whitespace-nowrap font-mono text-xs">{issue.where || "—"}</td>
                  <td>{issue.message}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

type Preview = {
  changes: { kind: "create" | "update" | "unchanged"; entity: "network" | "site"; name: string }[];
  counts: { create: number; update: number; unchanged: number };
};

const SHOWN = 500;

function ChangeList({ preview }: { preview: Preview }) {
  const tone = { create: "green", update: "amber", unchanged: "neutral" } as const;
  const changed = preview.changes.filter((c) => c.kind !== "unchanged");
  const unchanged = preview.changes.filter((c) => c.kind === "unchanged");
  return (
    <div className="space-y-2" data-testid="import-changes">
      <p className="flex flex-wrap items-center gap-2">
        <span className="font-medium text-emerald-700 dark:text-emerald-400">No problems.</span>
        <Badge tone="green">{preview.counts.create} to create</Badge>
        <Badge tone="amber">{preview.counts.update} to update</Badge>
        <Badge>{preview.counts.unchanged} unchanged</Badge>
      </p>
      {changed.length ? (
        <div className="max-h-[28rem] overflow-auto rounded border border-zinc-200 dark:border-zinc-800">
          <table className={tableClass}>
            <thead className="sticky top-0 bg-white dark:bg-zinc-900">
              <tr>
                <th>Change</th>
                <th>Kind</th>
                <th>Name</th>
              </tr>
            </thead>
            <tbody>
              {changed.slice(0, SHOWN).map((c) => (
                <tr key={`${c.entity}:${c.name}`}>
                  <td>
                    <Badge tone={tone[c.kind]}>{c.kind}</Badge>
                  </td>
                  <td>{c.entity}</td>
                  <td className="font-mono text-xs">{c.name}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {changed.length > SHOWN ? (
            <p className="p-2 text-xs text-zinc-500">…and {changed.length - SHOWN} more.</p>
          ) : null}
        </div>
      ) : null}
      {unchanged.length ? (
        <details className="text-xs text-zinc-500">
          <summary className="cursor-pointer">Unchanged ({unchanged.length})</summary>
          <p className="mt-1 font-mono">
            {unchanged
              .slice(0, SHOWN)
              .map((c) => c.name)
              .join(", ")}
            {unchanged.length > SHOWN ? ` …and ${unchanged.length - SHOWN} more` : ""}
          </p>
        </details>
      ) : null}
    </div>
  );
}

function ExportCard({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const withSecrets = useMutation(trpc.inventory.exportWithSecrets.mutationOptions());

  async function downloadWithSecrets() {
    const yaml = await withSecrets.mutateAsync({});
    const url = URL.createObjectURL(new Blob([yaml], { type: "application/yaml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "dmvpn-inventory-with-secrets.yaml";
    a.click();
    // Revoked after the click has been handled, so the download has its data.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  return (
    <Card title="Export">
      <div className="space-y-3">
        <p className="text-zinc-500">
          Every network and site as YAML, ready to re-import or to check with{" "}
          <code className="font-mono">dmvpn validate</code>. Pre-shared keys are left out.
        </p>
        <div className="flex flex-wrap gap-2">
          <a
            href="/api/inventory/export"
            download
            className="inline-flex items-center rounded bg-sky-700 px-3 py-1.5 text-[13px] font-medium text-white hover:bg-sky-600"
          >
            Download YAML
          </a>
          {isAdmin ? (
            <Button
              variant="secondary"
              onClick={() => void downloadWithSecrets().catch(() => {})}
              disabled={withSecrets.isPending}
              title="Includes every pre-shared key; the export is recorded in the audit log"
            >
              Download YAML with secrets
            </Button>
          ) : null}
        </div>
        <ErrorBanner message={withSecrets.error?.message} />
      </div>
    </Card>
  );
}

function CsvHelp() {
  return (
    <Card title="CSV columns">
      <div className="space-y-2 text-zinc-600 dark:text-zinc-400">
        <p>
          One site per row, under a header row naming these columns (any order; <b>network</b>, <b>name</b>, <b>role</b>
          , <b>platform</b> and <b>wanInterface</b> are required). The network must exist or be in the same import.
        </p>
        <code className="block overflow-x-auto rounded bg-zinc-100 p-2 font-mono text-xs whitespace-nowrap text-zinc-800 dark:bg-zinc-950 dark:text-zinc-200">
          {SITE_CSV_COLUMNS.join(",")}
        </code>
        <ul className="list-disc space-y-0.5 pl-5 text-xs">
          <li>
            <b>lanPrefixes</b> and <b>tags</b> take several values separated by spaces or semicolons (quote the cell to
            use commas).
          </li>
          <li>
            Empty <b>publicAddress</b> means dynamic; empty <b>tunnelAddress</b> and <b>asn</b> are allocated.
          </li>
          <li>
            <b>behindNat</b>: true/yes/1 or false.
          </li>
          <li>
            Problems are reported as <span className="font-mono">row[N]</span>: N is the line in the file (the header is
            line 1).
          </li>
        </ul>
      </div>
    </Card>
  );
}
