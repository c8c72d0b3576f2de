import { expect, test } from "@playwright/test";
import { snapshot } from "./helpers";
import { enterConsole } from "./session";
import { chooseNetwork, summary } from "./topology-page";

// The demo network on the topology: load it, watch hubs and spokes come up, make two spokes talk, see the shortcut
// appear (and leave the counts of the other networks alone) and expire, deploy the demo network (its simulated
// agents take it through the real gateway and confirm), then remove the demo so later specs see only their own
// sites. Runs after inventory.spec.ts on the same database, or alone on a fresh one.

const FROM = "demo-london";
const TO = "demo-tokyo";

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

  // Two hubs and twenty spokes drawn; registrations come up within seconds (links turn "up").
  await chooseNetwork(page, /\(demo\)$/);
  await expect.poll(async () => (await summary(page))?.hubs).toBe(2);
  expect((await summary(page))?.spokes).toBe(20);
  await expect.poll(async () => (await summary(page))?.linksUp ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);

  // Both spokes registered with both hubs, seen in the side panel.
  const details = page.getByRole("region", { name: "Site details" });
  for (const name of [TO, FROM]) {
    await page.getByLabel("Search sites").fill(name);
    await page.getByLabel("Search sites").press("Enter");
    await expect(details.getByRole("heading", { name })).toBeVisible();
    await expect(details.getByText("Hubs registered")).toBeVisible();
    await expect(details.locator("div", { hasText: /^Hubs registered2 \/ 2$/ })).toBeVisible({ timeout: 30_000 });
  }

  // The demo's action: send traffic from the selected spoke to the other one.
  await details.getByLabel(/send traffic from/).selectOption({ label: TO });
  await details.getByRole("button", { name: "Send traffic" }).click();
  await expect(details.getByRole("status")).toContainText("Traffic sent");

  const label = `${FROM} ↔ ${TO}`;
  const shortcuts = page.getByRole("region", { name: "Active shortcuts" });
  await expect(shortcuts.getByText(label)).toBeVisible({ timeout: 5_000 });
  // the simulated spokes also talk among themselves: the list and the summary count the same shortcuts
  const listed = async () => Number((await shortcuts.getByRole("heading").textContent())?.match(/\((\d+)\)/)?.[1]);
  await expect.poll(async () => (await summary(page))?.shortcuts === (await listed())).toBe(true);
  expect(await listed()).toBeGreaterThanOrEqual(1);
  await snapshot(page, testInfo, "topology-with-shortcut");

  // Another network's view does not count the demo's shortcut; back to all networks, it is there again.
  const other = (await page.getByLabel("Network", { exact: true }).locator("option").allTextContents()).find(
    (o) => o !== "All networks" && !o.endsWith("(demo)"),
  );
  if (other) {
    await chooseNetwork(page, other);
    await expect(shortcuts.getByRole("heading")).toHaveText("Active shortcuts (0)");
    expect((await summary(page))?.shortcuts).toBe(0);
  }
  await chooseNetwork(page, "All networks");
  await expect(shortcuts.getByText(label)).toBeVisible();

  // NHRP holdtime in the demo is 30 s: the shortcut expires and the link goes, without a reload.
  await expect(shortcuts.getByText(label)).toHaveCount(0, { timeout: 60_000 });
  await snapshot(page, testInfo, "topology-after-expiry");

  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page.getByTestId("dashboard-counts")).toContainText("Sites online");
  await expect(page.getByText("Registrations and shortcuts, last hour")).toBeVisible();
  await expect(page.getByRole("table", { name: "Recent events" })).toContainText("demo-");
  await expect(page.getByTestId("dashboard-counts")).toContainText("Hubs with registrations");
  await snapshot(page, testInfo, "topology-dashboard");

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
  await snapshot(page, testInfo, "topology-demo-deployed");

  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await page.getByRole("button", { name: "Remove demo network" }).click();
  await page.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.getByRole("button", { name: "Load demo network" })).toBeVisible({ timeout: 15_000 });
});
