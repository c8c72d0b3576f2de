import { expect, type Page, test } from "@playwright/test";
import { expectNoSidewaysScroll, snapshot, VIEWPORTS } from "./helpers";
import { enterConsole, trpc } from "./session";

// Issue 15, Inventory: the network and site forms show every problem after one submit (an empty number is
// "required", MSS above the MTU is flagged with the rest), and checks across networks name the other network and
// say why: an overlapping tunnel prefix, a GRE key shared on a router in both clouds, a LAN that is another
// network's LAN or tunnel prefix. At desktop and phone widths; screenshots: e2e/screenshots/issue-15/.
test.describe.configure({ mode: "serial" });

const suffix = Date.now().toString(36);
const A = `xa-${suffix}`;
const B = `xb-${suffix}`;
const SHARED_ROUTER = "203.0.113.232";
let networkB = "";

test("set-up: two networks with a hub on the same router, one spoke in the first", async ({ page }) => {
  await enterConsole(page);
  const a = await trpc(page, "networks.create", {
    name: A,
    tunnelPrefix: "10.232.0.0/24",
    greKey: 232,
    nhrpNetworkId: 232,
  });
  const b = await trpc(page, "networks.create", {
    name: B,
    tunnelPrefix: "10.233.0.0/24",
    greKey: 233,
    nhrpNetworkId: 233,
  });
  networkB = b.id;
  const hub = { role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: SHARED_ROUTER };
  await trpc(page, "sites.create", { networkId: a.id, site: { name: `${A}-hub`, ...hub } });
  await trpc(page, "sites.create", { networkId: b.id, site: { name: `${B}-hub`, ...hub } });
  await trpc(page, "sites.create", {
    networkId: a.id,
    site: {
      name: `${A}-sp1`,
      role: "spoke",
      platform: "frr-linux",
      wanInterface: "eth0",
      lanPrefixes: ["10.77.1.0/24"],
    },
  });
});

const fieldError = (page: Page, field: string) => page.locator(`[data-field-error="${field}"]`);

for (const { name: label, width, height } of VIEWPORTS) {
  test.describe(`at ${label} width (${width} px)`, () => {
    test.use({ viewport: { width, height } });

    test("a new network: one submit shows every problem, then the overlap with another network's tunnel prefix", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto("/networks/new");
      await page.getByLabel("Name", { exact: true }).fill("-bad");
      await page.getByLabel("Tunnel prefix").fill("10.232.0.1/24");
      // GRE key and NHRP network ID left empty
      await page.getByLabel("Tunnel MTU").fill("1400");
      await page.getByLabel("TCP MSS").fill("1400");
      await page.getByRole("button", { name: "Create network" }).click();
      await expect(fieldError(page, "name")).toContainText("must start with a letter or digit");
      await expect(fieldError(page, "tunnelPrefix")).toHaveText("has host bits set; did you mean 10.232.0.0/24?");
      await expect(fieldError(page, "greKey")).toHaveText("is required");
      await expect(fieldError(page, "nhrpNetworkId")).toHaveText("is required");
      await expect(fieldError(page, "tcpMss")).toHaveText("must be at most tunnelMtu − 40 (1360)");
      await expect(page).toHaveURL(/\/networks\/new$/);
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-network-form-errors`, { keep: true, fullPage: true });

      // Every field fixed but the prefix, which now lies inside the first network's.
      const name = `xc-${suffix}-${label}`;
      await page.getByLabel("Name", { exact: true }).fill(name);
      await page.getByLabel("Tunnel prefix").fill("10.232.0.0/25");
      await page.getByLabel("GRE key").fill("500");
      await page.getByLabel("NHRP network ID").fill("500");
      await page.getByLabel("TCP MSS").fill("1360");
      await page.getByRole("button", { name: "Create network" }).click();
      await expect(fieldError(page, "tunnelPrefix")).toHaveText(
        `10.232.0.0/25 overlaps the tunnel prefix 10.232.0.0/24 of network ${A}: a tunnel address would be ambiguous between the two clouds`,
      );
      await expect(page.locator("[data-field-error]")).toHaveCount(1);
      await page.getByLabel("Tunnel prefix").scrollIntoViewIfNeeded();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-network-across-prefix`, { keep: true });
      const stored = await trpc(page, "networks.list", undefined, "query");
      expect(JSON.stringify(stored)).not.toContain(name);
    });

    test("a network on a router it shares with another may not take that network's GRE key", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto(`/networks/${networkB}`);
      await page.getByLabel("GRE key").fill("232");
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(fieldError(page, "greKey")).toHaveText(
        `232 is also used by network ${A}, which shares router ${SHARED_ROUTER} (${B}-hub in ${B}, ${A}-hub in ${A}): two multipoint GRE tunnels from one address need different keys, or the kernel cannot tell their packets apart`,
      );
      await page.getByLabel("GRE key").scrollIntoViewIfNeeded();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-network-across-gre-key`, { keep: true });
      expect((await trpc(page, "networks.get", { id: networkB }, "query")).greKey).toBe(233);
    });

    test("a new site: a taken name and LANs clashing with another network, all after one submit", async ({
      page,
    }, testInfo) => {
      await enterConsole(page);
      await page.goto("/sites/new");
      await page.getByLabel("Network").selectOption({ label: B });
      // the first network's hub's name; the LAN of its spoke
      await page.getByLabel("Name", { exact: true }).fill(`${A}-hub`);
      await page.getByLabel("Role").selectOption("spoke");
      await page.getByLabel("Platform").selectOption("frr-linux");
      await page.getByLabel("WAN interface").fill("eth0");
      await page.getByLabel("LAN prefixes").fill("10.77.1.0/24\n10.232.0.0/28");
      await page.getByRole("button", { name: "Create site" }).click();
      await expect(fieldError(page, "name")).toHaveText(`${A}-hub is already a site in network ${A}`);
      const lans = fieldError(page, "lanPrefixes").locator("li");
      await expect(lans).toHaveText([
        `line 1: 10.77.1.0/24 overlaps 10.77.1.0/24 of ${A}-sp1 in network ${A}`,
        `line 2: 10.232.0.0/28 overlaps the tunnel prefix of network ${A} (10.232.0.0/24)`,
      ]);
      await expect(page).toHaveURL(/\/sites\/new$/);
      await page.getByLabel("LAN prefixes").scrollIntoViewIfNeeded();
      await expectNoSidewaysScroll(page);
      await snapshot(page, testInfo, `${label}-site-across-networks`, { keep: true });
    });
  });
}
