import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { enterConsole, trpc } from "./session";
import { startSimAgent } from "./sim-agent";

// Runs after inventory.spec.ts (alphabetical), but stands alone: first-run setup when the console is empty.
test.describe.configure({ mode: "serial" });

let agent: ChildProcess | null = null;
let dir = "";

/** tRPC over HTTP with the browser's session (superjson envelope). */

test.afterAll(() => {
  agent?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("enrol a sim agent from the site page, watch it come online, deploy, see it confirmed", async ({ page }) => {
  test.setTimeout(120_000);
  await enterConsole(page);
  const suffix = Date.now().toString(36);
  const network = await trpc(page, "networks.create", {
    name: `rollout-${suffix}`,
    tunnelPrefix: "10.254.0.0/24",
    greKey: 77,
    nhrpNetworkId: 7,
  });
  await trpc(page, "sites.create", {
    networkId: network.id,
    site: { name: "r-hub", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.77" },
  });
  const spoke = await trpc(page, "sites.create", {
    networkId: network.id,
    site: {
      name: "r-spoke",
      role: "spoke",
      platform: "frr-linux",
      wanInterface: "eth0",
      lanPrefixes: ["10.77.0.0/24"],
    },
  });

  await page.goto(`/sites/${spoke.id}`);
  await expect(page.getByTestId("agent-state")).toContainText("config-managed");
  // a token made by mistake can be revoked before anyone uses it
  await page.getByRole("button", { name: "Enrol agent" }).click();
  await expect(page.getByTestId("pending-token")).toBeVisible();
  await page.getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByTestId("pending-token")).toHaveCount(0);
  await expect(page.getByTestId("install-command")).toHaveCount(0);
  await page.getByRole("button", { name: "Enrol agent" }).click();
  const command = (await page.getByTestId("install-command").textContent()) ?? "";
  expect(command).toMatch(/curl -fsSL '.*\/api\/agent\/install\.sh\?platform=frr-linux' \| DMVPN_TOKEN='[^']+' sh/);
  await page.getByRole("button", { name: "Copy install command" }).click();
  const token = /DMVPN_TOKEN='([^']+)'/.exec(command)![1]!;
  const consoleUrl = new URL(page.url()).origin;

  // the install script it points at reads the token from the environment
  const script = await (await page.request.get("/api/agent/install.sh?platform=frr-linux")).text();
  expect(script).toContain("DMVPN_TOKEN");
  expect(script).not.toContain(token);

  dir = mkdtempSync(join(tmpdir(), "dmvpn-e2e-agent-"));
  const config = join(dir, "config.json");
  agent = await startSimAgent(consoleUrl, token, config);

  await expect(page.getByTestId("agent-state")).toContainText("online", { timeout: 20_000 });

  await page.getByRole("link", { name: "Deploy", exact: true }).click();
  await expect(page.getByTestId("deployment-diff")).toContainText("ip nhrp nhs dynamic nbma 203.0.113.77");
  await page.getByRole("button", { name: "Deploy r-spoke" }).click();
  await expect(page).toHaveURL(/\/deployments\/[^/]+$/);
  const row = page.locator('[data-site="r-spoke"]');
  await expect(row).toContainText(/applied|confirmed/, { timeout: 30_000 });
  await expect(row).toContainText("confirmed", { timeout: 30_000 });

  await page.goto(`/sites/${spoke.id}/status`);
  await expect(page.getByText("registered", { exact: true })).toBeVisible({ timeout: 15_000 });

  // Diagnostics run on the router through the agent: the sim answers a ping to its hub and a show command.
  await page.getByLabel("Ping target").fill("10.254.0.1");
  await page.getByRole("button", { name: "Ping", exact: true }).click();
  await expect(page.getByTestId("diagnostics-output")).toContainText("PING 10.254.0.1");
  await expect(page.getByTestId("diagnostics-output")).toContainText(/3\/3 received, 0% loss/);
  await page.getByLabel("Show command").selectOption("running-config");
  await page.getByRole("button", { name: "Run", exact: true }).click();
  await expect(page.getByTestId("diagnostics-output")).toContainText("ip nhrp nhs dynamic nbma 203.0.113.77");
  await page.getByLabel("Ping target").fill("not-an-address");
  await page.getByRole("button", { name: "Ping", exact: true }).click();
  await expect(page.locator('[data-field-error="diag-target"]')).toHaveText("target must be an IPv4 address");
});
