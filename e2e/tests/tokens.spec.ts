import { expect, test } from "@playwright/test";
import { enterConsole } from "./session";

// Runs after inventory.spec.ts (alphabetical), but stands alone: first-run setup when the console is empty.
test.describe.configure({ mode: "serial" });

test("a read token made in the UI reads the REST API, cannot write, and stops working once revoked", async ({
  page,
  request,
}) => {
  await enterConsole(page);
  await page.goto("/settings/tokens");
  const name = `e2e-read-${Date.now().toString(36)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Scope").selectOption("read");
  await page.getByRole("button", { name: "Create token" }).click();

  const shown = page.getByTestId("new-token");
  await expect(shown).toHaveText(/^dmvpn_[A-Za-z0-9_-]{43}$/);
  const token = ((await shown.textContent()) ?? "").trim();
  const row = page.locator(`tr[data-token="${name}"]`);
  await expect(row).toContainText("read");
  // the list shows only the prefix, never the token itself
  await expect(row).toContainText(`${token.slice(0, 12)}…`);
  await expect(row).not.toContainText(token);

  // `request` carries no browser cookie: the token alone authenticates.
  const auth = { Authorization: `Bearer ${token}` };
  const list = await request.get("/api/v1/networks", { headers: auth });
  expect(list.status(), await list.text()).toBe(200);
  const networks: unknown = await list.json();
  expect(Array.isArray(networks)).toBe(true);

  const refusedName = `token-refused-${Date.now().toString(36)}`;
  const create = await request.post("/api/v1/networks", {
    headers: auth,
    data: { name: refusedName, tunnelPrefix: "10.253.0.0/24", greKey: 253, nhrpNetworkId: 253 },
  });
  expect(create.status(), await create.text()).toBe(403);
  expect(await create.text()).toContain("read-only");
  expect(await create.text()).not.toContain(token);
  const after = (await (await request.get("/api/v1/networks", { headers: auth })).json()) as { name: string }[];
  expect(after.map((n) => n.name)).not.toContain(refusedName);

  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);

  const revoked = await request.get("/api/v1/networks", { headers: auth });
  expect(revoked.status()).toBe(401);
  expect(await revoked.text()).not.toContain(token);
  // nor does it sign anybody in without a token
  expect((await request.get("/api/v1/networks")).status()).toBe(401);
});
