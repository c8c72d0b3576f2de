"use client";

import { BGP_SUMMARY_MODES, type BgpSummaryMode } from "@dmvpn/inventory";
import { errorFor } from "./field-errors";
import { Field, Select, Textarea } from "./ui";

const MODE_LABELS: Record<BgpSummaryMode, string> = {
  auto: "auto (tightest covering set)",
  none: "none (every spoke LAN as it is)",
  custom: "custom",
};

const MODE_HINTS: Record<BgpSummaryMode, string> = {
  auto: "Hubs announce exactly the spokes' LANs, merged where they are adjacent; no unused space.",
  none: "Hubs reflect every spoke LAN; no summary-only aggregates.",
  custom: "Your prefixes; every spoke LAN must lie inside one of them.",
};

/** The summaries as the API wants them, with the textarea line of each so errors can name the line. */
export function splitSummaryLines(value: string): { prefixes: string[]; lines: number[] } {
  const prefixes: string[] = [];
  const lines: number[] = [];
  value.split("\n").forEach((line, i) => {
    const prefix = line.trim();
    if (prefix) {
      prefixes.push(prefix);
      lines.push(i + 1);
    }
  });
  return { prefixes, lines };
}

/**
 * Mode and list of the hubs' BGP summaries (phase 3 with BGP only). Errors on bgpSummaries.N name the textarea
 * line the prefix came from, as the site form does for LAN prefixes.
 */
export function BgpSummaryFields({
  mode,
  summaries,
  inEffect,
  byField,
  submittedLines,
  applies,
  readOnly,
  onChange,
}: {
  mode: string;
  summaries: string;
  /** what the hubs announce with the stored settings, when known */
  inEffect?: string[];
  byField: Record<string, string>;
  submittedLines: number[];
  /** false when the network does not summarise at all (phase 2 or static routing) */
  applies: boolean;
  readOnly?: boolean;
  onChange: (field: "bgpSummaryMode" | "bgpSummaries", value: string) => void;
}) {
  const listErrors = Object.entries(byField)
    .filter(([key]) => key === "bgpSummaries" || key.startsWith("bgpSummaries."))
    .map(([key, message]) => {
      const line = submittedLines[Number(key.split(".")[1])];
      return key.includes(".") && line ? `line ${line}: ${message}` : message;
    });
  const known = (BGP_SUMMARY_MODES as readonly string[]).includes(mode) ? (mode as BgpSummaryMode) : "auto";
  return (
    <>
      <Field
        label="BGP summaries"
        htmlFor="bgpSummaryMode"
        error={errorFor(byField, "bgpSummaryMode")}
        hint={applies ? MODE_HINTS[known] : "Only phase-3 hubs with BGP summarise; kept for later."}
      >
        <Select
          id="bgpSummaryMode"
          name="bgpSummaryMode"
          value={mode}
          onChange={(e) => onChange("bgpSummaryMode", e.target.value)}
          disabled={readOnly}
        >
          {BGP_SUMMARY_MODES.map((m) => (
            <option key={m} value={m}>
              {MODE_LABELS[m]}
            </option>
          ))}
        </Select>
      </Field>
      <div className="space-y-1 md:col-span-2">
        <label htmlFor="bgpSummaries" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Summary prefixes {mode === "custom" ? "" : "(used in custom mode)"}
        </label>
        <Textarea
          id="bgpSummaries"
          name="bgpSummaries"
          rows={3}
          value={summaries}
          onChange={(e) => onChange("bgpSummaries", e.target.value)}
          invalid={listErrors.length > 0}
          placeholder={"10.1.0.0/16\n192.168.0.0/16"}
          spellCheck={false}
          disabled={readOnly}
        />
        {listErrors.length ? (
          <ul
            className="space-y-0.5 text-xs text-red-600 dark:text-red-400"
            role="alert"
            data-field-error="bgpSummaries"
          >
            {listErrors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : (
          <p className="text-xs text-zinc-500" data-testid="bgp-summaries-in-effect">
            One prefix per line.
            {inEffect && applies ? ` Announced now: ${inEffect.length ? inEffect.join(", ") : "no summaries"}.` : null}
          </p>
        )}
      </div>
    </>
  );
}
