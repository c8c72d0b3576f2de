"use client";

import { RENDER_TARGETS, type RenderTarget } from "@dmvpn/render/targets";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { useSessionUser } from "./session";
import { Button, Card, cx, ErrorBanner, Select } from "./ui";

/** Pieces of a text with where each starts in it: stable React keys that are not array indexes. */
function withOffsets(pieces: string[], start: number, separator: number) {
  let at = start;
  return pieces.map((text) => {
    const piece = { text, at };
    at += text.length + separator;
    return piece;
  });
}

/** Comment lines dimmed, the first word (command) and addresses/prefixes coloured: enough to scan a config. */
function highlight(line: string, key: number) {
  if (/^\s*[#!]/.test(line))
    return (
      <span key={key} className="text-zinc-500">
        {line}
      </span>
    );
  const parts = line.split(/(\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b|'[^']*')/g);
  const lead = parts[0]?.match(/^(\s*)(\S+)(.*)$/s);
  return (
    <span key={key}>
      {lead ? (
        <>
          {lead[1]}
          <span className="text-sky-700 dark:text-sky-400">{lead[2]}</span>
          {lead[3]}
        </>
      ) : (
        parts[0]
      )}
      {withOffsets(parts.slice(1), parts[0]?.length ?? 0, 0).map(({ text, at }, i) =>
        i % 2 === 0 ? (
          <span
            key={at}
            className={
              text.startsWith("'") ? "text-amber-700 dark:text-amber-400" : "text-emerald-700 dark:text-emerald-400"
            }
          >
            {text}
          </span>
        ) : (
          text
        ),
      )}
    </span>
  );
}

function download(name: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type: "text/plain" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  URL.revokeObjectURL(url);
}

export function RenderedConfig({ siteId, siteName }: { siteId: string; siteName: string }) {
  const trpc = useTRPC();
  const { isAdmin } = useSessionUser();
  const [target, setTarget] = useState<RenderTarget | "">("");
  const [withKey, setWithKey] = useState(false);
  const [file, setFile] = useState(0);
  const [copied, setCopied] = useState(false);
  const query = useQuery(
    trpc.sites.renderedConfig.queryOptions({ id: siteId, target: target || undefined, includeSecrets: withKey }),
  );
  const data = query.data;
  const current = data?.ok ? (data.files[file] ?? data.files[0]) : undefined;

  return (
    <Card
      title="Rendered config"
      actions={
        <>
          <label className="sr-only" htmlFor="render-target">
            Target
          </label>
          <Select
            id="render-target"
            value={target}
            onChange={(e) => {
              setTarget(e.target.value as RenderTarget | "");
              setFile(0);
            }}
            className="w-36"
          >
            <option value="">site platform</option>
            {RENDER_TARGETS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
          {isAdmin ? (
            <Button
              variant="secondary"
              onClick={() => setWithKey(!withKey)}
              title="Reading the key is recorded in the audit log"
            >
              {withKey ? "Hide key" : "Include key"}
            </Button>
          ) : null}
        </>
      }
    >
      {query.error ? <ErrorBanner message={query.error.message} /> : null}
      {data && !data.ok ? (
        <div role="alert" className="space-y-1 text-red-700 dark:text-red-400">
          <p className="font-medium">This site cannot be rendered yet:</p>
          <ul className="list-disc pl-5">
            {data.issues.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {data?.ok && current ? (
        <div className="space-y-2">
          <div className="flex flex-wrap items-center gap-2">
            <div role="tablist" className="flex flex-wrap gap-1">
              {data.files.map((f, i) => (
                <button
                  key={f.name}
                  type="button"
                  role="tab"
                  aria-selected={f.name === current.name}
                  onClick={() => setFile(i)}
                  className={cx(
                    "rounded px-2 py-1 font-mono text-xs",
                    f.name === current.name
                      ? "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200"
                      : "hover:bg-zinc-100 dark:hover:bg-zinc-800",
                  )}
                >
                  {f.name}
                </button>
              ))}
            </div>
            <div className="ml-auto flex gap-2">
              <Button
                variant="secondary"
                onClick={() =>
                  void navigator.clipboard.writeText(current.content).then(() => {
                    setCopied(true);
                    setTimeout(() => setCopied(false), 1500);
                  })
                }
              >
                {copied ? "Copied" : "Copy"}
              </Button>
              <Button variant="secondary" onClick={() => download(`${siteName}-${current.name}`, current.content)}>
                Download
              </Button>
            </div>
          </div>
          <p className="text-xs text-zinc-500">
            Target {data.target} · hash <span className="font-mono">{data.hash.slice(0, 12)}</span>
            {data.secretsIncluded ? " · includes the pre-shared key" : " · pre-shared key hidden"}
          </p>
          <pre
            className="max-h-[32rem] overflow-auto rounded bg-zinc-50 p-3 font-mono text-xs leading-5 dark:bg-zinc-950"
            data-testid="rendered-config"
          >
            {withOffsets(current.content.split("\n"), 0, 1).map(({ text, at }) => (
              <div key={at}>{highlight(text, at)}</div>
            ))}
          </pre>
        </div>
      ) : null}
      {query.isPending ? <p className="text-zinc-500">Rendering…</p> : null}
    </Card>
  );
}
