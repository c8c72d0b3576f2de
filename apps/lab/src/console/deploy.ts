import type { LabApi, LabDeployment } from "./lab-api";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

/** Creates a deployment and follows it to the end through the REST API. */
export async function deployAndWait(
  api: LabApi,
  target: { networkId: string } | { siteIds: string[] },
  options: Record<string, unknown> = {},
  timeoutMs = 10 * 60_000,
): Promise<{ deployment: LabDeployment; ms: number }> {
  const t0 = Date.now();
  const id = await api.deploy(target, options);
  for (;;) {
    const deployment = await api.deployment(id);
    if (FINISHED.has(deployment.status)) return { deployment, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`deployment ${id} still ${deployment.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export const describeDeployment = (d: LabDeployment): string =>
  `${d.status}${d.summary ? ` (${d.summary})` : ""}: ${d.items
    .map((i) => `${i.site} ${i.status}${i.error ? ` [${i.error.slice(0, 200)}]` : ""}`)
    .join(", ")}`;
