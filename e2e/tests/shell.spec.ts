import { type Browser, expect, type Page, test } from "@playwright/test";
import { expectNoSidewaysScroll, snapshot, VIEWPORTS } from "./helpers";
import { enterConsole } from "./session";

// The app shell on a desktop and on a phone: navigation that collapses, no sideways page scroll, the 404 page, the
// skip link, one 24-hour time format in the viewer's zone, audit filters and links, no polling after a refusal,
// skeletons while data loads and the REST reference's request bodies. Screenshots: e2e/screenshots/issue-15/.
// Runs after inventory.spec.ts (project dependency), whose networks and sites fill the audit log.

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

async function addOperator(page: Page, email: string, password: string) {
  await page.goto("/users");
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Add user" }) });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Name").fill("Olga Operator");
  await form.getByLabel("Password").fill(password);
  await form.getByLabel("Role").selectOption("operator");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(email).first()).toBeVisible();
}

async function operatorPage(
  browser: Browser,
  baseURL: string | undefined,
  viewport: { width: number; height: number },
) {
  return (await browser.newContext({ baseURL, viewport })).newPage();
}

/**
 * A network with one hub, so the network, site and audit checks have something to show. The newcomer's story
 * normally made "corp" already; run alone (--no-deps) the spec makes its own.
 */
test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const page = await (await browser.newContext({ baseURL })).newPage();
  await enterConsole(page);
  await page.goto("/networks");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  if ((await page.locator('main a[href^="/networks/"]:not([href="/networks/new"])').count()) === 0) {
    await page.goto("/networks/new");
    await page.getByLabel("Name", { exact: true }).fill("shell-net");
    await page.getByLabel("Tunnel prefix").fill("10.254.0.0/24");
    await page.getByLabel("GRE key").fill("54");
    await page.getByLabel("NHRP network ID").fill("5");
    await page.getByRole("button", { name: "Create network" }).click();
    await expect(page).toHaveURL(/\/networks\/[^/]+$/);
    await page.goto("/sites/new");
    await page.getByLabel("Network").selectOption({ label: "shell-net" });
    await page.getByLabel("Name", { exact: true }).fill("shell-hub");
    await page.getByLabel("Role").selectOption("hub");
    await page.getByLabel("Platform").selectOption("frr-linux");
    await page.getByLabel("WAN interface").fill("eth0");
    await page.getByLabel("Public address").fill("203.0.113.54");
    await page.getByRole("button", { name: "Create site" }).click();
    await expect(page).toHaveURL(/\/sites\/[^/]+$/);
  }
  await page.context().close();
});

for (const vp of VIEWPORTS) {
  test.describe(`${vp.name} (${vp.width} px)`, () => {
    test.use({ viewport: { width: vp.width, height: vp.height } });

    test("navigation: a sidebar on the desktop, a menu that opens and closes on the phone", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      const nav = page.getByRole("navigation", { name: "Main" });
      const toggle = page.getByRole("button", { name: "Menu" });
      if (vp.name === "desktop") {
        await expect(nav).toBeVisible();
        await expect(toggle).toBeHidden();
        await nav.getByRole("link", { name: "Audit log" }).click();
        await expect(page).toHaveURL(/\/audit$/);
        await snapshot(page, testInfo, `${vp.name}-nav`, { keep: true });
        return;
      }
      await expect(nav).toBeHidden();
      await expect(toggle).toHaveAttribute("aria-expanded", "false");
      await snapshot(page, testInfo, `${vp.name}-nav-closed`, { keep: true });
      await toggle.click();
      const close = page.getByRole("button", { name: "Close menu" });
      await expect(close).toHaveAttribute("aria-expanded", "true");
      await expect(nav).toBeVisible();
      await snapshot(page, testInfo, `${vp.name}-nav-open`, { keep: true });
      // Escape closes it and gives focus back to the toggle.
      await page.keyboard.press("Escape");
      await expect(nav).toBeHidden();
      await expect(toggle).toBeFocused();
      // Following a link closes it too.
      await toggle.click();
      await nav.getByRole("link", { name: "Audit log" }).click();
      await expect(page).toHaveURL(/\/audit$/);
      await expect(nav).toBeHidden();
      await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    });

    test("no page scrolls sideways", async ({ page }, testInfo) => {
      // Eight pages, each waited for until its data is in (skeletons gone): more than a minute on a busy machine.
      test.setTimeout(180_000);
      await enterConsole(page);
      await expect(page.getByTestId("skeleton")).toHaveCount(0, { timeout: 30_000 });
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${vp.name}-dashboard`, { keep: true });
      for (const path of [
        "/networks",
        "/audit",
        "/users",
        "/settings/tokens",
        "/settings/webhooks",
        "/settings/password",
      ]) {
        await page.goto(path);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expect(page.getByTestId("skeleton")).toHaveCount(0, { timeout: 30_000 });
        await expectNoSidewaysScroll(page);
      }
      // A network and a site from the newcomer's story.
      await page.goto("/networks");
      await page.locator('main a[href^="/networks/"]:not([href="/networks/new"])').first().click();
      await expect(page).toHaveURL(/\/networks\/[^/]+$/);
      await expect(page.getByTestId("skeleton")).toHaveCount(0, { timeout: 30_000 });
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${vp.name}-network`, { keep: true });
      const site = page.locator('main tbody a[href^="/sites/"]').first();
      await site.click();
      await expect(page).toHaveURL(/\/sites\/[^/]+$/);
      await expect(page.getByTestId("site-sections")).toBeVisible();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${vp.name}-site`, { keep: true });
    });

    test("an unknown address gets a styled 404 with a way home", async ({ page }, testInfo) => {
      await enterConsole(page);
      const response = await page.goto("/no/such/page");
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${vp.name}-404`, { keep: true });
      await page.getByRole("link", { name: "Back to the dashboard" }).click();
      await expect(page).toHaveURL(/\/$/);
    });

    test("the skip link is the first stop and lands on the page's content; the favicon is served", async ({
      page,
      request,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto("/audit");
      await page.keyboard.press("Tab");
      const skip = page.getByRole("link", { name: "Skip to content" });
      await expect(skip).toBeFocused();
      await expect(skip).toBeInViewport();
      await snapshot(page, testInfo, `${vp.name}-skip-link`, { keep: true });
      await page.keyboard.press("Enter");
      await expect(page.locator("main#main")).toBeFocused();
      // The next Tab goes into the page, past the navigation.
      await page.keyboard.press("Tab");
      const inMain = await page.evaluate(() => document.getElementById("main")?.contains(document.activeElement));
      expect(inMain).toBe(true);

      const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
      expect(href).toBeTruthy();
      const icon = await request.get(href as string);
      expect(icon.status()).toBe(200);
      expect(icon.headers()["content-type"]).toContain("image/svg+xml");
    });

    test("times are 24-hour in the viewer's zone, whatever the locale", async ({ browser, baseURL }, testInfo) => {
      // en-US would print "9:04 PM"; Tokyo is UTC+9 all year, so the expected text is computable from the instant.
      const context = await browser.newContext({
        baseURL,
        viewport: { width: vp.width, height: vp.height },
        locale: "en-US",
        timezoneId: "Asia/Tokyo",
      });
      const page = await context.newPage();
      await enterConsole(page);
      await page.goto("/audit");
      const times = page.getByRole("main").locator("time");
      await expect(times.first()).toBeVisible();
      const samples = await times.evaluateAll((els) =>
        els.slice(0, 10).map((el) => ({ text: el.textContent ?? "", iso: el.getAttribute("datetime") ?? "" })),
      );
      expect(samples.length).toBeGreaterThan(0);
      for (const { text, iso } of samples) {
        const tokyo = new Date(Date.parse(iso) + 9 * 3_600_000).toISOString();
        expect(text).toBe(`${tokyo.slice(0, 10)} ${tokyo.slice(11, 19)}`);
        expect(text).not.toMatch(/AM|PM/);
      }
      if (vp.name === "phone") await page.getByRole("button", { name: "Menu" }).click();
      await expect(page.getByTestId("time-zone")).toHaveText("Times in Asia/Tokyo (UTC+09:00)");
      await snapshot(page, testInfo, `${vp.name}-times-tokyo`, { keep: true });
      await context.close();
    });

    test("audit: a filter per entity type, and each entry links to its entity", async ({ page }, testInfo) => {
      await enterConsole(page);
      await page.goto("/audit");
      const filter = page.getByLabel("Entity type");
      for (const label of [
        "Networks",
        "Sites",
        "Deployments",
        "Inventory imports",
        "Users",
        "API tokens",
        "Webhooks",
      ]) {
        await expect(filter.locator("option", { hasText: label })).toHaveCount(1);
      }
      await filter.selectOption({ label: "Sites" });
      const rows = page.locator("tbody tr");
      await expect(rows.first()).toBeVisible();
      await expect(rows.filter({ hasNotText: "site" })).toHaveCount(0);
      await expect(page.getByTestId("skeleton")).toHaveCount(0, { timeout: 30_000 });
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${vp.name}-audit-sites`, { keep: true });

      await filter.selectOption({ label: "Networks" });
      await expect(rows.filter({ hasNotText: "network" })).toHaveCount(0);
      const link = page.locator('tbody a[href^="/networks/"]').first();
      const name = (await link.textContent())?.trim() ?? "";
      expect(name.length).toBeGreaterThan(0);
      await link.click();
      await expect(page).toHaveURL(/\/networks\/[^/]+$/);
      await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
    });

    test("an operator on the webhooks page is told it needs an admin, once: no polling after the refusal", async ({
      page,
      browser,
      baseURL,
    }, testInfo) => {
      const email = `olga-${vp.name}-${Date.now().toString(36)}@example.net`;
      const password = "olga's long password";
      await enterConsole(page);
      await addOperator(page, email, password);

      const operator = await operatorPage(browser, baseURL, vp);
      await signIn(operator, email, password);
      const calls: string[] = [];
      const refusals: string[] = [];
      operator.on("response", (r) => {
        const url = new URL(r.url());
        if (!url.pathname.startsWith("/api/trpc/") || !url.pathname.includes("webhooks.")) return;
        calls.push(url.pathname);
        if (r.status() === 403) refusals.push(url.pathname);
      });
      // The page's timers on a fake clock: half a minute of polling passes in an instant.
      await operator.clock.install();
      await operator.goto("/settings/webhooks");
      await expect(operator.getByText(/this needs the admin role/).first()).toBeVisible();
      await expect.poll(() => refusals.length).toBeGreaterThan(0);
      // Before the fix the delivery log polled every 5 s: 12 × 403 in 30 s.
      await operator.clock.runFor(30_000);
      await operator.waitForTimeout(1_000); // real time for anything the timers sent to come back
      await expectNoSidewaysScroll(operator);
      await snapshot(operator, testInfo, `${vp.name}-webhooks-operator`, { keep: true });
      expect(calls.length).toBeLessThanOrEqual(2);
      expect(refusals.length).toBeLessThanOrEqual(2);
      await operator.context().close();
    });

    test("a page whose data is slow shows the page's shape in grey, not a bare Loading…", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route(
        (url) => url.pathname.startsWith("/api/trpc/") && url.pathname.includes("topology.dashboard"),
        async (route) => {
          await held;
          await route.continue();
        },
      );
      await page.goto("/");
      const skeleton = page.getByTestId("skeleton");
      await expect(skeleton).toBeVisible();
      // a title bar, eight tiles and two cards of grey blocks
      expect(await skeleton.locator('[aria-hidden="true"]').count()).toBeGreaterThanOrEqual(11);
      await expect(skeleton).toContainText("Loading the dashboard…");
      await expect(page.getByRole("main").getByText("Loading…", { exact: true })).toHaveCount(0);
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${vp.name}-skeleton-dashboard`, { keep: true });
      release();
      await expect(page.getByTestId("dashboard-counts")).toBeVisible({ timeout: 30_000 });
      await expect(skeleton).toHaveCount(0);
    });

    test("the REST reference shows the real request bodies of network and site mutations", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto("/api-docs");
      const body = (operation: string) =>
        page.locator(`section[data-operation="${operation}"] p`, { hasText: "body:" });
      await expect(body("post /networks")).toContainText("name: string");
      await expect(body("post /networks")).toContainText("tunnelPrefix: string");
      await expect(body("post /networks")).toContainText("greKey");
      await expect(body("put /networks/{id}")).toContainText("tunnelPrefix: string");
      await expect(body("post /sites")).toContainText("networkId");
      await expect(body("post /sites")).toContainText("role");
      // no operation documents an empty body
      await expect(page.locator("section[data-operation] p", { hasText: /^body: \{\s*\}$/ })).toHaveCount(0);
      await body("post /networks").scrollIntoViewIfNeeded();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${vp.name}-api-reference`, { keep: true });
    });
  });
}

// one width: hovering is a pointer's gesture
test("desktop: the sidebar prefetches a page when the pointer reaches its link, not on every page load", async ({
  page,
}) => {
  await enterConsole(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  // a page's address as a link names it (path and query): a prefetch adds its own _rsc parameter
  const target = (href: string) => {
    const url = new URL(href);
    url.searchParams.delete("_rsc");
    return url.pathname + url.search;
  };
  const sidebar = new Set(
    await nav.getByRole("link").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href)),
  );
  expect(sidebar.size).toBeGreaterThan(8);
  const sidebarTargets = new Set([...sidebar].map(target));
  // The full load under test starts from a page whose own content links nowhere, so every prefetch is the
  // sidebar's (the dashboard's own links, still prefetching as it is left, once showed up here). The pointer rests
  // on the content: a link under it as the page loads counts as hovered, and is prefetched.
  await page.goto("/settings/password");
  await page.mouse.move(900, 500);
  await page.waitForLoadState("networkidle");
  const prefetched: string[] = [];
  page.on("request", (r) => {
    if (r.headers()["next-router-prefetch"] && sidebarTargets.has(target(r.url()))) prefetched.push(target(r.url()));
  });
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(prefetched).toEqual([]);
  await nav.getByRole("link", { name: "Audit log" }).hover();
  // Next may fetch a route in more than one request (its tree, then its data): what counts is which pages
  await expect.poll(() => [...new Set(prefetched)]).toEqual(["/audit"]);
  await nav.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
});
