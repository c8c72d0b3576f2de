import { expect, test } from "@playwright/test";
import { enterConsole, trpc } from "./session";

/** tRPC over HTTP with the browser's session (superjson envelope). */

test("a Cisco site: deploy waits for the operator, mark applied with the running config, hashes agree", async ({
  page,
}) => {
  await enterConsole(page);
  const suffix = Date.now().toString(36);
  const network = await trpc(page, "networks.create", {
    name: `cisco-${suffix}`,
    tunnelPrefix: "10.253.0.0/24",
    greKey: 88,
    nhrpNetworkId: 8,
  });
  const site = (name: string, role: string, extra: Record<string, unknown>) =>
    trpc(page, "sites.create", {
      networkId: network.id,
      site: { name, role, platform: "cisco-ios", wanInterface: "GigabitEthernet0/0", ...extra },
    });
  await site(`c-hub-${suffix}`, "hub", { publicAddress: "203.0.113.88" });
  const spoke = await site(`c-spoke-${suffix}`, "spoke", { lanPrefixes: ["10.88.0.0/24"] });

  await page.goto(`/sites/${spoke.id}`);
  await expect(page.getByTestId("agent-state")).toContainText("config-managed");

  const { id } = await trpc(page, "deployments.create", { target: { siteIds: [spoke.id] }, options: {} });
  await page.goto(`/deployments/${id}`);
  const row = page.locator(`tr[data-site="c-spoke-${suffix}"]`);
  await expect(row).toContainText("awaiting-apply");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("awaiting-apply");

  await row.getByTestId("mark-applied-r1").click();
  await row.getByLabel("Running config after applying r1 (optional)").fill("interface Tunnel0\n ip mtu 1400\n");
  await row.getByRole("button", { name: "I applied r1 on the router" }).click();
  await expect(row).toContainText("marked-applied");
  await expect(row).toContainText("marked applied by");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("succeeded");
  const shown = ((await row.locator("td.font-mono").textContent()) ?? "").split("·")[1]?.trim() ?? "";
  expect(shown).toMatch(/^[0-9a-f]{12}$/);

  // The site page shows the applied revision as deployed, and its config (key hidden) with the same hash.
  await page.goto(`/sites/${spoke.id}`);
  await expect(page.getByText("deployed", { exact: true }).first()).toBeVisible();
  await expect(page.locator("p", { hasText: "pre-shared key hidden" })).toContainText(`hash ${shown}`);

  // The dashboard counts the Cisco sites apart and asks nothing about them.
  await page.goto("/");
  await expect(page.getByTestId("dashboard-counts")).toContainText("Config-managed (no agent)");
  await expect(page.getByText(`c-spoke-${suffix}`)).toHaveCount(0);
});
