"use client";

import { planWaves, type WavePolicyInput, wavePolicySchema } from "~/server/services/deployment-waves";
import { Badge, Field, Input } from "./ui";

const NUMBER_FIELDS = [
  ["canarySpokes", "Canary spokes (alone, one per wave)"],
  ["firstBatch", "First batch"],
  ["growth", "Growth per batch (×)"],
  ["maxBatch", "Largest batch"],
] as const;

export type PolicyDraft = { hubsOneAtATime: boolean } & Record<(typeof NUMBER_FIELDS)[number][0], string>;

export const draftOf = (p: Required<WavePolicyInput>): PolicyDraft => ({
  hubsOneAtATime: p.hubsOneAtATime,
  canarySpokes: String(p.canarySpokes),
  firstBatch: String(p.firstBatch),
  growth: String(p.growth),
  maxBatch: String(p.maxBatch),
});

/** The draft checked by the same zod schema the server applies; errors by field. */
export function parseDraft(d: PolicyDraft) {
  const num = (v: string) => (v.trim() === "" ? Number.NaN : Number(v));
  return wavePolicySchema.safeParse({
    hubsOneAtATime: d.hubsOneAtATime,
    canarySpokes: num(d.canarySpokes),
    firstBatch: num(d.firstBatch),
    growth: num(d.growth),
    maxBatch: num(d.maxBatch),
  });
}

/** Edit the rollout's wave policy and see the waves it makes for these sites before deploying. */
export function WavePolicyEditor({
  draft,
  onChange,
  sites,
}: {
  draft: PolicyDraft;
  onChange: (d: PolicyDraft) => void;
  sites: { name: string; role: string }[];
}) {
  const parsed = parseDraft(draft);
  const errors = new Map<string, string>();
  if (!parsed.success) for (const i of parsed.error.issues) errors.set(String(i.path[0]), i.message);
  const waves = parsed.success ? planWaves(sites, parsed.data) : [];
  return (
    <div className="space-y-3" data-testid="wave-policy">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex items-center gap-1.5 text-[13px]">
          <input
            type="checkbox"
            checked={draft.hubsOneAtATime}
            onChange={(e) => onChange({ ...draft, hubsOneAtATime: e.target.checked })}
          />
          Hubs one at a time
        </label>
        {NUMBER_FIELDS.map(([key, label]) => (
          <Field key={key} label={label} htmlFor={`policy-${key}`} error={errors.get(key)}>
            <Input
              id={`policy-${key}`}
              className="w-24"
              inputMode="decimal"
              value={draft[key]}
              invalid={errors.has(key)}
              onChange={(e) => onChange({ ...draft, [key]: e.target.value })}
            />
          </Field>
        ))}
      </div>
      {parsed.success ? (
        <ol className="flex flex-wrap gap-1.5 text-xs" data-testid="wave-plan">
          {waves.map((w) => (
            <li
              key={w.wave}
              data-kind={w.kind}
              title={w.sites.map((s) => s.name).join(", ")}
              className="rounded border border-zinc-200 px-1.5 py-0.5 dark:border-zinc-700"
            >
              <Badge tone={w.kind === "hub" ? "blue" : w.kind === "canary" ? "amber" : "neutral"}>
                {w.wave + 1}. {w.kind}
              </Badge>{" "}
              {w.sites.length === 1 ? w.sites[0]!.name : `${w.sites.length} sites`}
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
