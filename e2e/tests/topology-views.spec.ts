import { expect, type Page, test } from "@playwright/test";
import { expectNoSidewaysScroll, snapshot, VIEWPORTS } from "./helpers";
import { enterConsole } from "./session";
import { chooseNetwork, clickSite, type Label, labels, overlapping, summary } from "./topology-page";

// Reading the topology at desktop and phone widths: names never overlap, filtering re-frames the view on what is
// left and recounts it, a click opens the site's and the link's details, and the geographic layout draws the map.
// Uses the demo network (22 sites with coordinates) next to whatever the earlier specs made, and removes it again.

async function ensureDemo(page: Page) {
  await enterConsole(page);
  const load = page.getByRole("button", { name: "Load demo network" });
  const remove = page.getByRole("button", { name: "Remove demo network" });
  await expect(load.or(remove)).toBeVisible();
  if (await load.isVisible()) {
    await load.click();
    await expect(page.getByRole("button", { name: "Remove demo network" })).toBeVisible({ timeout: 20_000 });
  }
}

async function openTopology(page: Page) {
  await page.goto("/topology");
  await expect(page.getByTestId("topology-summary")).toContainText("live");
  await expect.poll(async () => (await summary(page))?.sites ?? 0).toBeGreaterThanOrEqual(22);
}

/** Where the two demo hubs' names say the hubs are, relative to the canvas' centre (fractions of its size). */
async function hubsOffCentre(page: Page) {
  const box = await page.getByTestId("topology-canvas").boundingBox();
  if (!box) throw new Error("no canvas");
  const hubs = (await labels(page)).filter((l) => l.text.startsWith("demo-hub-"));
  if (hubs.length === 0) return null;
  const x = hubs.reduce((s, h) => s + h.x, 0) / hubs.length;
  const y = hubs.reduce((s, h) => s + h.y, 0) / hubs.length;
  return Math.max(Math.abs(x / box.width - 0.5), Math.abs(y / box.height - 0.5));
}

for (const size of VIEWPORTS) {
  test.describe(`topology at ${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });
    // the demo loads and registers within seconds, but on a busy machine the whole story needs more than a minute
    test.setTimeout(150_000);

    test("names never overlap; one network is framed and recounted", async ({ page }, testInfo) => {
      await ensureDemo(page);
      await openTopology(page);
      const all = (await summary(page))!;
      // The canvas takes the width the page has: on a phone the navigation hides behind its menu button (it once
      // left the canvas ~130 px wide, and nothing at all before that); a desktop shares it with the sidebar and panel.
      const canvas = await page.getByTestId("topology-canvas").boundingBox();
      expect(canvas?.width ?? 0).toBeGreaterThan(size.width * (size.name === "phone" ? 0.8 : 0.5));
      await expectNoSidewaysScroll(page);
      // Hubs are always named where there is room: both side by side on a desktop, at least one on a phone.
      await expect
        .poll(async () => (await labels(page)).filter((l) => l.text.startsWith("demo-hub-")).length)
        .toBeGreaterThanOrEqual(size.width > 1000 ? 2 : 1);
      expect(overlapping(await labels(page))).toEqual([]);
      await snapshot(page, testInfo, `${size.name}-topology-all`, { keep: true });

      await chooseNetwork(page, /\(demo\)$/);
      await expect.poll(async () => (await summary(page))?.sites).toBe(22);
      const demo = (await summary(page))!;
      expect(demo).toMatchObject({ hubs: 2, spokes: 20 });
      // 20 spokes × 2 hubs, plus whatever shortcuts the simulated spokes hold right now
      expect(demo.links - demo.shortcuts).toBe(40);
      // re-framed: the demo's hubs in the middle of the view, with room for spoke names around them
      await expect.poll(() => hubsOffCentre(page), { timeout: 5_000 }).toBeLessThan(0.1);
      await expect.poll(async () => (await labels(page)).length).toBeGreaterThanOrEqual(size.width > 1000 ? 12 : 2);
      const shown = await labels(page);
      expect(overlapping(shown)).toEqual([]);
      expect(shown.every((l) => l.text.startsWith("demo-"))).toBe(true);
      await snapshot(page, testInfo, `${size.name}-topology-demo-network`, { keep: true });

      // Three clicks on "Zoom in" still leave names to read, never overlapping. The middle of the framed network is
      // empty (hubs either side of it, the spokes on a ring around), so the buttons zoom in on the site nearest to
      // it: zooming about the middle itself once pushed every site off the canvas and no name was drawn.
      const framed = new Set(shown.map((l) => `${l.x},${l.y}`));
      for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Zoom in" }).click();
      // read once the zoom has come to rest: the names stay put between two reads and no site is where it was
      let zoomed: Label[] = [];
      await expect
        .poll(
          async () => {
            const first = await labels(page);
            await page.waitForTimeout(300);
            zoomed = await labels(page);
            const still =
              JSON.stringify(first.map((l) => [l.id, l.x, l.y])) ===
              JSON.stringify(zoomed.map((l) => [l.id, l.x, l.y]));
            return still && zoomed.every((l) => !framed.has(`${l.x},${l.y}`)) ? zoomed.length : 0;
          },
          { timeout: 10_000 },
        )
        .toBeGreaterThanOrEqual(1);
      expect(overlapping(zoomed)).toEqual([]);
      expect(zoomed.every((l) => l.text.startsWith("demo-"))).toBe(true);
      await snapshot(page, testInfo, `${size.name}-topology-zoomed-in`, { keep: true });
      await page.getByRole("button", { name: "Fit" }).click();

      // hubs only: two sites, no links
      await page.getByLabel("Role").selectOption({ label: "Hubs" });
      await expect.poll(async () => (await summary(page))?.sites).toBe(2);
      expect((await summary(page))?.links).toBe(0);
      await page.getByLabel("Role").selectOption({ label: "Hubs and spokes" });
      await chooseNetwork(page, "All networks");
      await expect.poll(async () => (await summary(page))?.sites).toBe(all.sites);
    });

    test("clicking a site and one of its links opens their details", async ({ page }, testInfo) => {
      await ensureDemo(page);
      await openTopology(page);
      await chooseNetwork(page, /\(demo\)$/);
      // a searched site is always named, so its place is known even on a narrow screen
      await page.getByLabel("Search sites").fill("demo-hub-frankfurt");
      await clickSite(page, "demo-hub-frankfurt");
      const site = page.getByRole("region", { name: "Site details" });
      await expect(site.getByRole("heading", { name: "demo-hub-frankfurt" })).toBeVisible();
      const siteId = await page
        .getByTestId("topology-label")
        .filter({ hasText: /^demo-hub-frankfurt$/ })
        .getAttribute("data-node");
      await expect(site.getByRole("link", { name: "Status" })).toHaveAttribute("href", `/sites/${siteId}/status`);
      await expect(site.getByRole("link", { name: "Diagnostics" })).toHaveAttribute(
        "href",
        `/sites/${siteId}/status#diag-target`,
      );
      await expect(site.getByRole("list", { name: "Links of this site" }).getByRole("listitem")).not.toHaveCount(0);
      await snapshot(page, testInfo, `${size.name}-topology-site-panel`, {
        keep: true,
        target: page.locator("aside").filter({ has: page.getByRole("region", { name: "Active shortcuts" }) }),
      });

      await site.getByRole("list", { name: "Links of this site" }).getByRole("button").first().click();
      const linkPanel = page.getByRole("region", { name: "Link details" });
      await expect(linkPanel).toContainText("hub–spoke tunnel");
      await expect(linkPanel).toContainText("NHRP entry");
      await expect(linkPanel).toContainText("IPsec SA");
      await expect(linkPanel).toContainText("SA age");
      await expect(linkPanel.getByRole("link", { name: "Diagnostics" })).toHaveCount(2);
      await snapshot(page, testInfo, `${size.name}-topology-link-panel`, {
        keep: true,
        target: page.locator("aside").filter({ has: page.getByRole("region", { name: "Active shortcuts" }) }),
      });

      await linkPanel.getByRole("link", { name: "Status" }).first().click();
      await expect(page).toHaveURL(/\/sites\/[^/]+\/status$/);
    });

    test("the geographic layout draws the world and puts sites where they are", async ({ page }, testInfo) => {
      await ensureDemo(page);
      await openTopology(page);
      await chooseNetwork(page, /\(demo\)$/);
      await page.getByLabel("Layout").selectOption({ label: "Geographic" });
      const map = page.getByTestId("topology-map");
      await expect(map).toBeVisible();
      // land drawn: a good share of the map's pixels are painted
      await expect
        .poll(() =>
          map.evaluate((c: HTMLCanvasElement) => {
            const data = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data;
            if (!data) return 0;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) painted++;
            return painted / (c.width * c.height);
          }),
        )
        // on a phone the whole world is ~130 px wide in a tall canvas
        .toBeGreaterThan(size.width > 1000 ? 0.2 : 0.05);
      // searched sites are always named: west to east, north to south as on a map
      await page.getByLabel("Search sites").fill("demo-s");
      const at = async (name: string) => (await labels(page)).find((l) => l.text === name);
      await expect.poll(async () => Boolean(await at("demo-sydney"))).toBe(true);
      const sf = await at("demo-san-francisco");
      const sydney = await at("demo-sydney");
      const singapore = await at("demo-singapore");
      expect(sf && singapore && sydney).toBeTruthy();
      expect(sf!.x).toBeLessThan(singapore!.x);
      expect(singapore!.x).toBeLessThan(sydney!.x);
      expect(sydney!.y).toBeGreaterThan(singapore!.y);
      expect(overlapping(await labels(page))).toEqual([]);
      await snapshot(page, testInfo, `${size.name}-topology-geographic`, { keep: true });
      await page.getByLabel("Layout").selectOption({ label: "By network" });
    });
  });
}

test("remove the demo network again", async ({ page }) => {
  test.setTimeout(120_000);
  await enterConsole(page);
  const remove = page.getByRole("button", { name: "Remove demo network" });
  await expect(remove.or(page.getByRole("button", { name: "Load demo network" }))).toBeVisible();
  if (await remove.isVisible()) {
    await remove.click();
    await page.getByRole("button", { name: "Remove", exact: true }).click();
  }
  await expect(page.getByRole("button", { name: "Load demo network" })).toBeVisible({ timeout: 60_000 });
});
