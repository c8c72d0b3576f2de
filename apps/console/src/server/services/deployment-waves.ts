/**
 * Waves of a rollout: one canary alone first, then batches of `batchSize`. Hubs go before spokes (a spoke's new
 * config is only confirmed once it registers with a hub), and the canary is the first of that order.
 */
export function planDeploymentWaves<T extends { siteId: string; role: "hub" | "spoke" }>(
  sites: T[],
  batchSize: number,
): { site: T; wave: number }[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("batch size must be a positive integer");
  const ordered = [...sites.filter((s) => s.role === "hub"), ...sites.filter((s) => s.role === "spoke")];
  return ordered.map((site, i) => ({ site, wave: i === 0 ? 0 : 1 + Math.floor((i - 1) / batchSize) }));
}
