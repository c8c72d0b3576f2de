import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { parse } from "yaml";
import { ADMIN, enterConsole } from "./session";

// One story, in order, on a fresh console: what a newcomer does in the first minutes.
test.describe.configure({ mode: "serial" });

test("first run: create the admin, sign out, sign in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel("Name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page).toHaveURL(/\/$/); // home is the dashboard

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$/); // first-run page is gone once a user exists
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "email or password" })).toContainText(
    "email or password is wrong",
  );
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/); // home is the dashboard
});

test("model a network: two hubs and three spokes get tunnel addresses", async ({ page }) => {
  await enterConsole(page);
  await page.getByRole("link", { name: "New network" }).click();
  await page.getByLabel("Name", { exact: true }).fill("corp");
  await page.getByLabel("Tunnel prefix").fill("10.255.0.1/24");
  await page.getByLabel("GRE key").fill("42");
  await page.getByLabel("NHRP network ID").fill("1");
  await page.getByRole("button", { name: "Create network" }).click();
  // Server-side validation, shown under the field it concerns.
  await expect(page.locator('[data-field-error="tunnelPrefix"]')).toHaveText(
    "has host bits set; did you mean 10.255.0.0/24?",
  );
  await page.getByLabel("Tunnel prefix").fill("10.255.0.0/24");
  await page.getByRole("button", { name: "Create network" }).click();
  await expect(page).toHaveURL(/\/networks\/[^/]+$/);

  const sites = [
    { name: "hub-fra", role: "hub", platform: "vyos-1.5", publicAddress: "203.0.113.1", lan: "" },
    { name: "hub-ams", role: "hub", platform: "frr-linux", publicAddress: "203.0.113.2", lan: "" },
    { name: "branch-paris", role: "spoke", platform: "vyos-1.4", publicAddress: "198.51.100.10", lan: "10.1.0.0/24" },
    { name: "branch-lyon", role: "spoke", platform: "frr-linux", publicAddress: "", lan: "10.2.0.0/24" },
    {
      name: "branch-nice",
      role: "spoke",
      platform: "cisco-ios",
      publicAddress: "198.51.100.12",
      lan: "10.3.0.0/24\n10.33.0.0/24",
    },
  ];
  for (const s of sites) {
    await page.goto("/sites/new");
    await page.getByLabel("Network").selectOption({ label: "corp" });
    await page.getByLabel("Name", { exact: true }).fill(s.name);
    await page.getByLabel("Role").selectOption(s.role);
    await page.getByLabel("Platform").selectOption(s.platform);
    await page.getByLabel("WAN interface").fill(s.platform === "cisco-ios" ? "GigabitEthernet0/0" : "eth0");
    await page.getByLabel("Public address").fill(s.publicAddress);
    await page.getByLabel("LAN prefixes").fill(s.lan);
    await page.getByRole("button", { name: "Create site" }).click();
    await expect(page).toHaveURL(/\/sites\/[^/]+$/);
    await expect(page.getByText(s.name).first()).toBeVisible();
  }

  // An overlapping LAN is refused with the other site named, and nothing is stored.
  await page.goto("/sites/new");
  await page.getByLabel("Network").selectOption({ label: "corp" });
  await page.getByLabel("Name", { exact: true }).fill("branch-bad");
  await page.getByLabel("Role").selectOption("spoke");
  await page.getByLabel("Platform").selectOption("frr-linux");
  await page.getByLabel("WAN interface").fill("eth0");
  await page.getByLabel("LAN prefixes").fill("10.1.0.0/16");
  await page.getByRole("button", { name: "Create site" }).click();
  await expect(page.getByText("10.1.0.0/16 overlaps 10.1.0.0/24 of branch-paris")).toBeVisible();

  await page.goto("/sites?sort=tunnelAddress");
  const table = page.getByRole("table");
  const expected: [string, string][] = [
    ["hub-fra", "10.255.0.1"],
    ["hub-ams", "10.255.0.2"],
    ["branch-paris", "10.255.0.11"],
    ["branch-lyon", "10.255.0.12"],
    ["branch-nice", "10.255.0.13"],
  ];
  for (const [name, address] of expected) {
    await expect(table.getByRole("row").filter({ hasText: name })).toContainText(address);
  }
  await expect(table.getByRole("row").filter({ hasText: "branch-bad" })).toHaveCount(0);

  await page.getByLabel("Role").selectOption("hub");
  await expect(table.getByRole("row").filter({ hasText: "branch-" })).toHaveCount(0);
  await expect(table.getByRole("row").filter({ hasText: "hub-" })).toHaveCount(2);
});

test("import a CSV with one bad row, see that row's error, then export YAML", async ({ page }) => {
  await enterConsole(page);
  await page.goto("/import");
  const csv = [
    "network,name,role,platform,wanInterface,publicAddress,lanPrefixes,tags",
    "corp,branch-berlin,spoke,vyos-1.5,eth0,198.51.100.20,10.4.0.0/24,emea",
    "corp,branch-rome,spoke,vyos-1.5,eth0,,10.1.0.0/25,emea",
    "corp,branch-madrid,spoke,frr-linux,eth0,,10.6.0.0/24,emea",
  ].join("\n");
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: "sites.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Preview" }).click();
  const problems = page.getByRole("table").filter({ hasText: "Problem" });
  await expect(problems.getByRole("row").filter({ hasText: "row[3]" })).toContainText(
    "10.1.0.0/25 overlaps 10.1.0.0/24 of branch-paris",
  );
  await expect(problems.getByRole("row")).toHaveCount(2); // header + the one bad row
  await expect(page.getByRole("button", { name: "Import", exact: true })).toBeDisabled();

  const fixed = csv.replace("10.1.0.0/25", "10.5.0.0/24");
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: "sites.csv", mimeType: "text/csv", buffer: Buffer.from(fixed) });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByRole("button", { name: "Import", exact: true })).toBeEnabled();
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByText(/3 created/)).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download YAML" }).click();
  const file = await (await download).path();
  const yaml = readFileSync(file, "utf8");
  expect(yaml).toContain("version: 1");
  expect(yaml).toContain("name: corp");
  const doc = parse(yaml) as {
    networks: { name: string; sites: { name: string; tunnelAddress: string; lanPrefixes: string[] }[] }[];
  };
  const corp = doc.networks.find((n) => n.name === "corp");
  expect(corp?.sites.map((s) => [s.name, s.tunnelAddress])).toEqual(
    expect.arrayContaining([
      ["branch-berlin", "10.255.0.14"],
      ["branch-rome", "10.255.0.15"],
      ["branch-madrid", "10.255.0.16"],
    ]),
  );
  expect(corp?.sites).toHaveLength(8);
  expect(yaml).not.toContain("ipsecPsk");
});
