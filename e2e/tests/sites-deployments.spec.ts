import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import {
  deployAndApply,
  expectNoSidewaysScroll,
  markAllApplied,
  settledDeployment,
  snapshot,
  VIEWPORTS,
} from "./helpers";
import { enterConsole, trpc } from "./session";
import { startSimAgent } from "./sim-agent";

// The operator's sites list and deployments (issue 15): the state column, bulk actions on a filter, the per-site
// preview with coloured diffs and the action on top, the wave policy, no rollback to the current revision, and an
// offline site's status shown as stale. One network of agentless sites plus one sim agent that goes offline;
// every check runs at desktop and phone widths. Screenshots: e2e/screenshots/issue-15/<width>-<name>.png.
test.describe.configure({ mode: "serial", timeout: 120_000 });

const suffix = Date.now().toString(36);
const NET = `ops-${suffix}`;
let agent: ChildProcess | null = null;
let dir = "";
const ids: Record<string, string> = {};
let networkId = "";

test.afterAll(() => {
  agent?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("set-up: a network deployed and marked applied, one site changed, a sim agent that reported and went offline", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await enterConsole(page);
  networkId = (
    await trpc(page, "networks.create", { name: NET, tunnelPrefix: "10.251.0.0/24", greKey: 89, nhrpNetworkId: 9 })
  ).id;
  const site = async (name: string, fields: Record<string, unknown>) => {
    ids[name] = (await trpc(page, "sites.create", { networkId, site: { name, wanInterface: "eth0", ...fields } })).id;
  };
  await site(`${NET}-hub1`, { role: "hub", platform: "vyos-1.5", publicAddress: "203.0.113.81" });
  await site(`${NET}-hub2`, { role: "hub", platform: "vyos-1.5", publicAddress: "203.0.113.82" });
  for (let i = 1; i <= 6; i++) {
    await site(`${NET}-sp${i}`, { role: "spoke", platform: "frr-linux", lanPrefixes: [`10.88.${i}.0/24`] });
  }
  await site(`${NET}-sim`, { role: "spoke", platform: "frr-linux", lanPrefixes: ["10.88.99.0/24"] });

  // The sim agent: enrolled with a one-time token, reporting status every half second.
  const consoleUrl = new URL(page.url()).origin;
  const { token } = await trpc(page, "agents.createEnrollment", { siteId: ids[`${NET}-sim`], origin: consoleUrl });
  dir = mkdtempSync(join(tmpdir(), "dmvpn-e2e-ops-"));
  const config = join(dir, "config.json");
  agent = await startSimAgent(consoleUrl, token, config);
  await expect
    .poll(async () => (await trpc(page, "agents.forSite", { siteId: ids[`${NET}-sim`] }, "query"))?.agent?.connected, {
      timeout: 20_000,
    })
    .toBe(true);

  const first = await settledDeployment(page, (await trpc(page, "deployments.create", { target: { networkId } })).id);
  expect(first.items.find((i) => i.siteId === ids[`${NET}-sim`])?.status).toBe("confirmed");
  await markAllApplied(page, first);

  // sp2 gets a second revision, deployed and applied: r2 is its current revision, r1 the one to roll back to.
  const sp2 = await trpc(page, "sites.get", { id: ids[`${NET}-sp2`] }, "query");
  await trpc(page, "sites.update", {
    id: sp2.id,
    networkId,
    site: { ...sp2, lanPrefixes: ["10.88.2.0/24", "10.88.102.0/24"] },
  });
  await deployAndApply(page, { siteIds: [sp2.id] });
  // sp1 changes and is not deployed: the one change in the next network preview.
  const sp1 = await trpc(page, "sites.get", { id: ids[`${NET}-sp1`] }, "query");
  await trpc(page, "sites.update", { id: sp1.id, networkId, site: { ...sp1, lanPrefixes: ["10.88.201.0/24"] } });

  // The sim goes away after it reported its registrations: its status is last-known from now on.
  await expect
    .poll(
      async () => (await trpc(page, "status.site", { siteId: ids[`${NET}-sim`] }, "query")).status?.nhs?.length ?? 0,
    )
    .toBeGreaterThan(0);
  agent.kill("SIGKILL");
  agent = null;
  await expect
    .poll(async () => (await trpc(page, "agents.forSite", { siteId: ids[`${NET}-sim`] }, "query"))?.agent?.connected, {
      timeout: 30_000,
    })
    .toBe(false);
});

for (const { name: label, width, height } of VIEWPORTS) {
  test.describe(`at ${label} width (${width} px)`, () => {
    test.use({ viewport: { width, height } });

    test("the sites list shows each site's state: config-managed, offline with stale registrations, revision, drift", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto(`/sites?networkId=${networkId}`);
      const row = (name: string) => page.locator(`tr[data-site="${NET}-${name}"] [data-testid="site-state"]`);
      await expect(row("hub1")).toContainText("config-managed");
      await expect(row("hub1")).toContainText("r1");
      // hubs carry every spoke's prefixes, so sp1's change is pending on them too; sp3 did not change
      await expect(row("sp3")).toContainText("in sync");
      await expect(row("sp1")).toContainText("changes pending");
      await expect(row("sp2")).toContainText("r2");
      await expect(row("sim")).toContainText("offline");
      const hubs = row("sim").locator("[data-stale]");
      await expect(hubs).toContainText(/hubs \(\d+ (s|min) ago\)/);
      await expect(hubs).toHaveClass(/italic/);
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-sites-state`, { keep: true });
    });

    test("select all matching a filter, then tag, export CSV and open the deployment preview", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto(`/sites?networkId=${networkId}&role=spoke`);
      await expect(page.locator("tr[data-site]")).toHaveCount(7);
      await page.getByLabel("Select the sites on this page").check();
      await page.getByRole("button", { name: "Select all 7 sites matching the filter" }).click();
      const bar = page.getByTestId("bulk-bar");
      await expect(bar).toContainText("7 sites selected (all matching the filter)");

      const tag = `bulk-${label}`;
      await bar.getByLabel("Tags to add (prefix - to remove)").fill(tag);
      await bar.getByRole("button", { name: "Apply tags" }).click();
      await expect(bar).toContainText("Tags changed on 7 of 7 sites.");
      const tagged = await trpc(page, "sites.list", { tag, networkId }, "query");
      expect(tagged.total).toBe(7);

      const download = page.waitForEvent("download");
      await bar.getByRole("button", { name: "Export CSV" }).click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^sites-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = readFileSync(await file.path(), "utf8")
        .trim()
        .split(/\r?\n/);
      expect(csv[0]).toBe(
        "name,network,role,platform,management,online,tunnelAddress,publicAddress,lanPrefixes,tags,deployedRevision,drift",
      );
      expect(csv).toHaveLength(8);
      expect(csv.find((l) => l.startsWith(`${NET}-sim,`))).toContain(",agent,offline,");
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-sites-bulk`, { keep: true });

      await bar.getByRole("link", { name: "Deploy…" }).click();
      await expect(page).toHaveURL(/\/deployments\/new\?.*filter=1/);
      await expect(page.getByTestId("deploy-summary")).toContainText("7 sites: 1 with changes, 6 unchanged");
    });

    test("the preview: action on top, coloured diff of the changed site, unchanged sites folded", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto(`/deployments/new?networkId=${networkId}`);
      const summary = page.getByTestId("deploy-summary");
      await expect(summary).toContainText(/9 sites: \d with changes, \d unchanged/);
      const [, changes, same] = /(\d) with changes, (\d) unchanged/.exec((await summary.textContent()) ?? "")!;
      // sp1 changed, and with it whatever lists its prefixes (the hubs); sp2..sp6 and the sim did not
      expect(Number(changes) + Number(same)).toBe(9);
      expect(Number(same)).toBeGreaterThanOrEqual(6);
      const deploy = page.getByRole("button", { name: "Deploy 9 sites" });
      const changed = page.locator(`details[data-site="${NET}-sp1"]`);
      // the action comes before the list of changes
      const [deployBox, changedBox] = [await deploy.boundingBox(), await changed.boundingBox()];
      expect(deployBox!.y).toBeLessThan(changedBox!.y);
      if ((await changed.getAttribute("open")) === null) await changed.locator("summary").click();
      await expect(changed).toHaveAttribute("open", "");
      await expect(changed.getByTestId("change-count")).toContainText(/\+\d+/);
      const unchanged = page.getByTestId("unchanged-sites");
      await expect(unchanged).not.toHaveAttribute("open", "");
      await expect(unchanged).toContainText(`${same} unchanged sites`);
      await expect(unchanged.getByText(`${NET}-sp3`)).toBeHidden();
      // an added line is shown in colour, not as monochrome text
      const insert = changed.locator("td.diff-code-insert").filter({ hasText: "10.88.201.0" }).first();
      await expect(insert).toBeVisible();
      const background = await insert.evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(background).not.toMatch(/^rgba\(0, 0, 0, 0\)$|^transparent$/);
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-preview-unified`, { keep: true });
      await page.getByRole("button", { name: "Side by side" }).click();
      await expect(changed.locator("table.diff-split")).toBeVisible();
      await unchanged.locator("summary").click();
      await expect(unchanged.getByText(`${NET}-sp3`)).toBeVisible();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-preview-split`, { keep: true });
    });

    test("the wave policy is shown before deploying, edited, checked and stored with the deployment", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto(`/deployments/new?networkId=${networkId}`);
      const plan = page.getByTestId("wave-plan");
      await expect(plan.locator("li").nth(0)).toContainText("1. hub");
      await expect(plan.locator("li").nth(1)).toContainText("2. hub");
      await expect(plan.locator("li").nth(2)).toContainText("3. canary");
      await expect(plan.locator('li[data-kind="batch"]').first()).toContainText("2 sites");
      await expect(page.getByTestId("policy-summary")).toContainText(
        "hubs one at a time, then 1 canary spoke, then batches from 2, ×2 each, at most 25",
      );
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-wave-policy-default`, { keep: true });

      await page.getByLabel("First batch").fill("0");
      await expect(page.locator('[data-field-error="policy-firstBatch"]')).toContainText(
        "firstBatch must be at least 1",
      );
      await expect(page.getByRole("button", { name: "Deploy 9 sites" })).toBeDisabled();
      await page.getByLabel("Hubs one at a time").uncheck();
      await page.getByLabel("Canary spokes (alone, one per wave)").fill("0");
      await page.getByLabel("First batch").fill("4");
      await page.getByLabel("Growth per batch (×)").fill("1");
      await page.getByLabel("Largest batch").fill("4");
      await expect(plan.locator("li")).toHaveText(["1. hub 2 sites", "2. batch 4 sites", "3. batch 3 sites"]);
      await snapshot(page, testInfo, `${label}-wave-policy-edited`, { keep: true });

      await page.getByRole("button", { name: "Deploy 9 sites" }).click();
      await expect(page).toHaveURL(/\/deployments\/(?!new)[^/?]+$/, { timeout: 30_000 });
      await expect(page.getByRole("heading", { name: /^Sites · all hubs together, then batches of 4/ })).toBeVisible();
      await expect(page.locator(`tr[data-site="${NET}-hub2"]`)).toContainText("1 hub");
      await expect(page.locator(`tr[data-site="${NET}-sp1"] td`).first()).toContainText(/[23] batch/);
      await snapshot(page, testInfo, `${label}-deployment-waves`, { keep: true });
      // left unapplied on purpose: sp1 stays "changes pending" for the next width's checks
    });

    test("revisions: no rollback offered on the current one, offered on the older one", async ({ page }, testInfo) => {
      await enterConsole(page);
      await page.goto(`/sites/${ids[`${NET}-sp2`]}`);
      const rows = page
        .locator("section")
        .filter({ has: page.getByRole("heading", { name: "Revisions" }) })
        .locator("tbody tr");
      const current = rows.filter({ hasText: "deployed" });
      await expect(current).toHaveCount(1);
      await expect(current.getByRole("button", { name: "Roll back to this revision" })).toHaveCount(0);
      await expect(
        rows.filter({ hasText: /^r1/ }).getByRole("button", { name: "Roll back to this revision" }),
      ).toHaveCount(1);
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-revisions`, { keep: true });
    });

    test("an offline site's status page says its data is stale, and how old", async ({ page }, testInfo) => {
      await enterConsole(page);
      await page.goto(`/sites/${ids[`${NET}-sim`]}/status`);
      await expect(page.getByTestId("status-agent")).toContainText("offline");
      await expect(page.getByTestId("stale-notice")).toContainText(/Stale: .* as last reported \d+ (s|min) ago/);
      const tables = page.getByTestId("status-tables");
      await expect(tables).toHaveAttribute("data-stale", "true");
      await expect(tables).toHaveClass(/italic/);
      await expect(tables.getByRole("heading").first()).toContainText("last known, reported");
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-status-stale`, { keep: true });
    });
  });
}
