import { z } from "zod";

/**
 * How a rollout is split into waves. Waves run one after another and the runner stops after the first wave with
 * a failure, so a wave of one is a site verified (confirmed by its agent; a spoke only once it registered with a
 * hub) before anything else moves. Hubs come first because a spoke's new config is only confirmed once it
 * registers with a hub; one hub at a time keeps the other hubs serving while one changes.
 */
export const wavePolicySchema = z
  .object({
    /** each hub in a wave of its own (false: all hubs in one wave) */
    hubsOneAtATime: z.boolean().default(true),
    /** spokes deployed alone, one wave each, before the batches (0: none) */
    canarySpokes: z.number().int().min(0, "canarySpokes must be 0 or more").max(20).default(1),
    /** size of the first batch after the canaries */
    firstBatch: z.number().int().min(1, "firstBatch must be at least 1").max(1000).default(2),
    /** each batch is this many times the one before (1: equal batches) */
    growth: z.number().min(1, "growth must be at least 1").max(10).default(2),
    /** no batch grows beyond this */
    maxBatch: z.number().int().min(1, "maxBatch must be at least 1").max(1000).default(25),
  })
  .refine((p) => p.maxBatch >= p.firstBatch, { path: ["maxBatch"], message: "maxBatch must be ≥ firstBatch" });
export type WavePolicy = z.output<typeof wavePolicySchema>;
export type WavePolicyInput = z.input<typeof wavePolicySchema>;

export const DEFAULT_WAVE_POLICY: WavePolicy = wavePolicySchema.parse({});

/** A policy with equal batches of `batchSize` after one canary: what `options.batchSize` alone asks for. */
export function policyFromBatchSize(batchSize: number): WavePolicy {
  return wavePolicySchema.parse({ firstBatch: batchSize, growth: 1, maxBatch: batchSize });
}

export type WaveKind = "hub" | "canary" | "batch";
export interface PlannedWave<T> {
  wave: number;
  kind: WaveKind;
  sites: T[];
}

/** The waves for these sites under a policy; sites keep their given order within hubs and within spokes. */
export function planWaves<T extends { role: "hub" | "spoke" | string }>(
  sites: readonly T[],
  policyInput: WavePolicyInput = {},
): PlannedWave<T>[] {
  const policy = wavePolicySchema.parse(policyInput);
  const hubs = sites.filter((s) => s.role === "hub");
  const spokes = sites.filter((s) => s.role !== "hub");
  const waves: Omit<PlannedWave<T>, "wave">[] = [];
  if (policy.hubsOneAtATime) for (const h of hubs) waves.push({ kind: "hub", sites: [h] });
  else if (hubs.length) waves.push({ kind: "hub", sites: hubs });
  const canaries = Math.min(policy.canarySpokes, spokes.length);
  for (let i = 0; i < canaries; i++) waves.push({ kind: "canary", sites: [spokes[i]!] });
  let size = policy.firstBatch;
  for (let i = canaries; i < spokes.length; ) {
    const n = Math.min(Math.max(1, Math.floor(size)), policy.maxBatch);
    waves.push({ kind: "batch", sites: spokes.slice(i, i + n) });
    i += n;
    size = Math.min(size * policy.growth, policy.maxBatch);
  }
  return waves.map((w, wave) => ({ wave, ...w }));
}

/** One row per site with its wave number: what is stored on the deployment's items. */
export function planDeploymentWaves<T extends { role: "hub" | "spoke" | string }>(
  sites: readonly T[],
  policy: WavePolicyInput = {},
): { site: T; wave: number }[] {
  return planWaves(sites, policy).flatMap((w) => w.sites.map((site) => ({ site, wave: w.wave })));
}

/** What kind each wave of a stored deployment was, from the roles of its sites (hubs-only waves are hub waves). */
export function waveKinds(
  items: readonly { wave: number; role: string }[],
  policy: Pick<WavePolicy, "canarySpokes">,
): Map<number, WaveKind> {
  const byWave = new Map<number, string[]>();
  for (const i of items) byWave.set(i.wave, [...(byWave.get(i.wave) ?? []), i.role]);
  const kinds = new Map<number, WaveKind>();
  let canaries = 0;
  for (const wave of [...byWave.keys()].sort((a, b) => a - b)) {
    const roles = byWave.get(wave)!;
    if (roles.every((r) => r === "hub")) kinds.set(wave, "hub");
    else if (canaries < policy.canarySpokes && roles.length === 1) {
      canaries++;
      kinds.set(wave, "canary");
    } else kinds.set(wave, "batch");
  }
  return kinds;
}

/** "hubs one at a time, then 1 canary spoke, then batches of 2, ×2 each, at most 25" */
export function describeWavePolicy(p: WavePolicy): string {
  const parts = [p.hubsOneAtATime ? "hubs one at a time" : "all hubs together"];
  if (p.canarySpokes) parts.push(`${p.canarySpokes} canary spoke${p.canarySpokes === 1 ? "" : "s"}`);
  parts.push(
    p.growth === 1 || p.firstBatch === p.maxBatch
      ? `batches of ${p.firstBatch}`
      : `batches from ${p.firstBatch}, ×${p.growth} each, at most ${p.maxBatch}`,
  );
  return parts.join(", then ");
}
