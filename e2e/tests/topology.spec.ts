import { expect, type Page, type TestInfo, test } from "@playwright/test";
import { enterConsole } from "./session";

// The demo network on the topology: load it, watch hubs and spokes come up, make two spokes talk, see the shortcut
// appear and expire, deploy the demo network (its simulated agents take it through the real gateway and confirm),
// then remove the demo so later specs see only their own sites. Runs after inventory.spec.ts
// (alphabetical order) on the same database, or alone on a fresh one.

/** Kept in e2e/test-results/<test>/ after the run, and attached to the report. */
async function snapshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

interface Probe {
  nodes: { id: string; name: string; role: string; isDemo: boolean; freshness: string; registered: number }[];
  edges: { id: string; kind: string; state: string; source: string; target: string }[];
}

interface ProbeGraph {
  mapNodes<T>(fn: (id: string, attrs: { data: Probe["nodes"][number] }) => T): T[];
  mapEdges<T>(fn: (id: string, attrs: { data: Probe["edges"][number] }) => T): T[];
}

/** The page's graphology graph (window.__topology), read as plain data. */
async function probe(page: Page): Promise<Probe> {
  return page.evaluate(() => {
    const g = (window as unknown as { __topology?: { graph: ProbeGraph } }).__topology?.graph;
    if (!g) return { nodes: [], edges: [] };
    return { nodes: g.mapNodes((_id, a) => a.data), edges: g.mapEdges((_id, a) => a.data) };
  });
}

/** Demo spokes reporting, registered with both hubs and without a shortcut, by name. */
function idleSpokes(p: Probe): string[] {
  return p.nodes
    .filter((n) => n.isDemo && n.role === "spoke" && n.freshness === "fresh" && n.registered === 2)
    .filter((n) => !p.edges.some((e) => e.kind === "shortcut" && (e.source === n.id || e.target === n.id)))
    .map((n) => n.name)
    .sort();
}

test("demo network: hubs and spokes, a shortcut appears on traffic and goes when it expires; it deploys", async ({
  page,
}, testInfo) => {
  test.setTimeout(360_000);
  await enterConsole(page);

  await page.getByRole("button", { name: "Load demo network" }).click();
  await expect(page.getByRole("button", { name: "Remove demo network" })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("simulated routers, no real device is contacted")).toBeVisible();

  await page.getByRole("link", { name: "Topology", exact: true }).click();
  await expect(page).toHaveURL(/\/topology$/);
  await expect(page.getByTestId("topology-summary")).toContainText("live");
  await expect(page.locator("[data-testid=topology-canvas] canvas").first()).toBeVisible();

  // Two hubs and twenty spokes drawn; registrations come up within seconds (edges turn "up").
  await expect
    .poll(async () => {
      const p = await probe(page);
      const demo = p.nodes.filter((n) => n.isDemo);
      return [demo.filter((n) => n.role === "hub").length, demo.filter((n) => n.role === "spoke").length];
    })
    .toEqual([2, 20]);
  await expect
    .poll(async () => (await probe(page)).edges.filter((e) => e.kind === "hub-spoke" && e.state === "up").length, {
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(20);

  // Two spokes that are up right now, and no shortcut between them yet.
  let pair: string[] = [];
  await expect
    .poll(
      async () => {
        pair = idleSpokes(await probe(page)).slice(0, 2);
        return pair.length;
      },
      { timeout: 30_000 },
    )
    .toBe(2);
  const [from, to] = pair as [string, string];
  const label = `${from} ↔ ${to}`;
  const shortcuts = page.getByTestId("shortcut-list");

  // The demo's action: pick the spoke, send traffic to the other one.
  await page.getByLabel("Search sites").fill(from);
  await page.getByLabel("Search sites").press("Enter");
  const details = page.getByRole("region", { name: "Site details" });
  await expect(details.getByRole("heading", { name: from })).toBeVisible();
  await details.getByLabel(/send traffic from/).selectOption({ label: to });
  await details.getByRole("button", { name: "Send traffic" }).click();
  await expect(details.getByRole("status")).toContainText("Traffic sent");

  await expect(shortcuts.getByText(label)).toBeVisible({ timeout: 5_000 });
  const shortcutEdge = async () => {
    const p = await probe(page);
    const ids = new Set(p.nodes.filter((n) => n.name === from || n.name === to).map((n) => n.id));
    return p.edges.filter((e) => e.kind === "shortcut" && ids.has(e.source) && ids.has(e.target)).length;
  };
  expect(await shortcutEdge()).toBe(1);
  await snapshot(page, testInfo, "topology-with-shortcut");

  // NHRP holdtime in the demo is 30 s: the shortcut expires and the edge goes, without a reload.
  await expect(shortcuts.getByText(label)).toHaveCount(0, { timeout: 60_000 });
  expect(await shortcutEdge()).toBe(0);
  await snapshot(page, testInfo, "topology-after-expiry");

  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page.getByTestId("dashboard-counts")).toContainText("Sites online");
  await expect(page.getByText("Registrations and shortcuts, last hour")).toBeVisible();
  await expect(page.getByRole("table", { name: "Recent events" })).toContainText("demo-");
  await expect(page.getByTestId("dashboard-counts")).toContainText("Hubs with registrations");
  await snapshot(page, testInfo, "dashboard");

  // Deploy the whole demo network: every simulated agent applies its config and is confirmed, as real ones are.
  await page.getByRole("link", { name: "Networks", exact: true }).click();
  await page.getByRole("link", { name: "demo-simulated", exact: true }).click();
  await page.getByRole("link", { name: "Deploy network" }).click();
  await page.getByRole("button", { name: "Deploy 22 sites" }).click();
  await expect(page).toHaveURL(/\/deployments\/[^/]+$/);
  const rows = page.getByTestId("deployment-items").locator("tr[data-site]");
  await expect(rows).toHaveCount(22);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("succeeded", { timeout: 180_000 });
  await expect(rows.filter({ hasText: "confirmed" })).toHaveCount(22);
  await snapshot(page, testInfo, "demo-deployed");

  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await page.getByRole("button", { name: "Remove demo network" }).click();
  await page.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.getByRole("button", { name: "Load demo network" })).toBeVisible({ timeout: 15_000 });
});
