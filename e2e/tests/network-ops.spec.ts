import { expect, test } from "@playwright/test";
import { deployAndApply, expectNoSidewaysScroll, snapshot, VIEWPORTS } from "./helpers";
import { enterConsole, trpc } from "./session";

// Issue 15, Inventory: the operator sets the hubs' BGP summaries (custom, with a spoke LAN left out refused by
// name first), then renumbers the network from the plan shown on the network page; afterwards every site's
// config is pending deployment. The whole flow runs at each width, on a network of its own.
// Screenshots: e2e/screenshots/issue-15/<width>-<name>.png.
test.describe.configure({ mode: "serial", timeout: 120_000 });

const suffix = Date.now().toString(36);

for (const [n, vp] of VIEWPORTS.entries()) {
  test.describe(`${vp.name} (${vp.width} px)`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });
    const NET = `renum-${vp.name}-${suffix}`;
    // Each width's network has its own tunnel prefixes, LANs and router, so the two never collide.
    const lan = `172.${20 + n}`;
    const [from, to] = [240 + 2 * n, 241 + 2 * n];
    let networkId = "";

    test("set-up: a deployed network of one hub and two spokes", async ({ page }) => {
      await enterConsole(page);
      networkId = (
        await trpc(page, "networks.create", {
          name: NET,
          tunnelPrefix: `10.${from}.0.0/24`,
          greKey: 240 + n,
          nhrpNetworkId: 240 + n,
        })
      ).id;
      const site = (name: string, fields: Record<string, unknown>) =>
        trpc(page, "sites.create", { networkId, site: { name: `${NET}-${name}`, wanInterface: "eth0", ...fields } });
      await site("hub", { role: "hub", platform: "frr-linux", publicAddress: `198.51.100.${240 + n}` });
      await site("sp1", { role: "spoke", platform: "frr-linux", lanPrefixes: [`${lan}.1.0/24`] });
      await site("sp2", { role: "spoke", platform: "frr-linux", lanPrefixes: [`${lan}.2.0/24`] });
      await deployAndApply(page, { networkId });
    });

    test("custom BGP summaries: an uncovered spoke LAN is named, a covering list is saved and kept", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto(`/networks/${networkId}`);
      const inEffect = page.getByTestId("bgp-summaries-in-effect");
      // auto: the tightest covering set (172.20.1.0/24 and 172.20.2.0/24 are not aligned neighbours)
      await expect(inEffect).toContainText(`Announced now: ${lan}.1.0/24, ${lan}.2.0/24.`);

      await page.getByLabel("BGP summaries").selectOption("custom");
      await page.locator("#bgpSummaries").fill(`${lan}.1.0/24\n${lan}.5.1/24`);
      await page.getByRole("button", { name: "Save changes" }).click();
      const errors = page.locator('[data-field-error="bgpSummaries"]');
      await expect(errors).toContainText(`line 2: has host bits set; did you mean ${lan}.5.0/24?`);
      await page.locator("#bgpSummaries").fill(`${lan}.1.0/24`);
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(errors).toContainText(`${lan}.2.0/24 of ${NET}-sp2`);
      await snapshot(page, testInfo, `${vp.name}-summaries-uncovered`, { keep: true, fullPage: true });

      await page.locator("#bgpSummaries").fill(`${lan}.0.0/16`);
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
      await page.reload();
      await expect(page.getByLabel("BGP summaries")).toHaveValue("custom");
      await expect(page.locator("#bgpSummaries")).toHaveValue(`${lan}.0.0/16`);
      await expect(inEffect).toContainText(`Announced now: ${lan}.0.0/16.`);
      await snapshot(page, testInfo, `${vp.name}-summaries-custom`, { keep: true, fullPage: true });

      // An edit of another setting keeps them.
      await page.getByLabel("Description").fill("edited after the summaries");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
      const stored = await trpc(page, "networks.get", { id: networkId }, "query");
      expect(stored).toMatchObject({ bgpSummaryMode: "custom", bgpSummaries: [`${lan}.0.0/16`] });
    });

    test("renumber: the plan is shown, applied in one step, and every site's config is pending deployment", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      // Deployed after the summary change, so every site starts in sync.
      await deployAndApply(page, { networkId });
      await page.goto(`/sites?networkId=${networkId}`);
      const state = (name: string) => page.locator(`tr[data-site="${NET}-${name}"] [data-testid="site-state"]`);
      for (const name of ["hub", "sp1", "sp2"]) await expect(state(name)).toContainText("in sync");

      await page.goto(`/networks/${networkId}`);
      await page.getByRole("button", { name: "Renumber…" }).click();
      await page.getByLabel(/New tunnel prefix/).fill(`10.${to}.0.0/24`);
      await page.getByRole("button", { name: "Show plan" }).click();
      const plan = page.getByTestId("renumber-plan");
      const row = (name: string) => plan.locator("tr", { hasText: `${NET}-${name}` });
      await expect(row("hub")).toContainText(`10.${from}.0.1`);
      await expect(row("hub")).toContainText(`10.${to}.0.1`);
      await expect(row("sp1")).toContainText(`10.${to}.0.11`);
      await expect(plan).toContainText(`next-hop server (NHS): ${NET}-hub 10.${from}.0.1 → 10.${to}.0.1`);
      await snapshot(page, testInfo, `${vp.name}-renumber-plan`, { keep: true, fullPage: true });
      // Nothing has changed yet.
      expect((await trpc(page, "networks.get", { id: networkId }, "query")).tunnelPrefix).toBe(`10.${from}.0.0/24`);

      await page.getByRole("button", { name: "Apply renumbering (3 sites)" }).click();
      await expect(page.getByTestId("renumber-done")).toContainText(`Renumbered 3 site(s) into 10.${to}.0.0/24`);
      await expect(page.locator("#tunnelPrefix")).toHaveValue(`10.${to}.0.0/24`);
      await snapshot(page, testInfo, `${vp.name}-renumber-done`, { keep: true, fullPage: true });

      await page.goto(`/sites?networkId=${networkId}`);
      for (const name of ["hub", "sp1", "sp2"]) await expect(state(name)).toContainText("changes pending");
      await expect(page.locator(`tr[data-site="${NET}-sp2"]`)).toContainText(`10.${to}.0.12`);
      await snapshot(page, testInfo, `${vp.name}-renumber-sites-pending`, { keep: true, fullPage: true });
    });

    test("new BGP timers: the preview says running sessions keep the old ones until they restart", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await deployAndApply(page, { networkId });
      await page.goto(`/networks/${networkId}`);
      await page.locator("#bgpKeepalive").fill("5");
      await page.locator("#bgpHoldtime").fill("15");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();

      await page.goto(`/deployments/new?networkId=${networkId}`);
      const note = page.getByTestId("bgp-timers-note");
      await expect(note).toContainText("BGP timers change on 3 sites.");
      await expect(note).toContainText("clear bgp *");
      await expect(page.locator(`details[data-site="${NET}-hub"]`).getByTestId("site-bgp-timers-note")).toBeVisible();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${vp.name}-preview-bgp-timers`, { keep: true });

      // Another setting alone says nothing about sessions.
      await deployAndApply(page, { networkId });
      await page.goto(`/networks/${networkId}`);
      await page.locator("#nhrpHoldtime").fill("600");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
      await page.goto(`/deployments/new?networkId=${networkId}`);
      await expect(page.getByTestId("deploy-summary")).toContainText("3 with changes");
      await expect(page.getByTestId("bgp-timers-note")).toHaveCount(0);
    });

    test("the page never scrolls sideways; the plan's wide table scrolls inside itself", async ({ page }) => {
      await enterConsole(page);
      await page.goto(`/networks/${networkId}`);
      await page.getByRole("button", { name: "Renumber…" }).click();
      await page.getByLabel(/New tunnel prefix/).fill(`10.${from}.0.0/24`);
      await page.getByRole("button", { name: "Show plan" }).click();
      await expect(page.getByTestId("renumber-plan").locator("tr", { hasText: `${NET}-sp1` })).toContainText(
        `10.${from}.0.11`,
      );
      await expectNoSidewaysScroll(page);
    });
  });
}
