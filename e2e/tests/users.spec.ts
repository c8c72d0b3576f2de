import { type Browser, expect, type Page, test } from "@playwright/test";
import { enterConsole } from "./session";

// The account lifecycle through the UI: reset, change, other session ended, unlock, delete (token dies).
test.describe.configure({ mode: "serial" });

const suffix = Date.now().toString(36);
const USER = { name: "Bob Operator", email: `bob-${suffix}@example.net`, password: "bob's first password" };
const CHANGED = "bob's own new password";

/** A separate browser (own cookies): one of the user's devices. */
async function device(browser: Browser, baseURL: string | undefined) {
  return (await browser.newContext({ baseURL })).newPage();
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function expectSignedIn(page: Page) {
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}

async function expectSignedOut(page: Page) {
  await page.goto("/settings/tokens");
  await expect(page).toHaveURL(/\/login$/);
}

test("admin resets, user changes, other session ends, admin unlocks and deletes (token dies)", async ({
  page,
  browser,
  request,
  baseURL,
}) => {
  // One long walk with five browsers and a dozen argon2 sign-ins: more than the default minute on a busy machine.
  test.setTimeout(240_000);
  await enterConsole(page);
  await page.goto("/users");
  const addUser = page.locator("form").filter({ has: page.getByRole("button", { name: "Add user" }) });
  await addUser.getByLabel("Email").fill(USER.email);
  await addUser.getByLabel("Name").fill(USER.name);
  await addUser.getByLabel("Password").fill(USER.password);
  await addUser.getByLabel("Role").selectOption("operator");
  await addUser.getByRole("button", { name: "Add user" }).click();
  const row = page.getByRole("row").filter({ hasText: USER.email });
  await expect(row).toBeVisible();

  // The user is signed in somewhere with the password the admin first gave them.
  const old = await device(browser, baseURL);
  await signIn(old, USER.email, USER.password);
  await expectSignedIn(old);

  // 1. The admin resets the password: shown once; the user's sessions end.
  await row.getByRole("button", { name: "Reset password" }).click();
  const shown = page.getByTestId("reset-password");
  await expect(shown).toHaveText(/^\S{16,}$/);
  const resetPassword = ((await shown.textContent()) ?? "").trim();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(shown).toHaveCount(0);
  await expectSignedOut(old);

  // 2. The user signs in with it on two devices and changes it on one.
  const laptop = await device(browser, baseURL);
  const phone = await device(browser, baseURL);
  await signIn(laptop, USER.email, resetPassword);
  await expectSignedIn(laptop);
  await signIn(phone, USER.email, resetPassword);
  await expectSignedIn(phone);
  await laptop.getByRole("link", { name: "Change password" }).click();
  await laptop.getByLabel("Current password").fill(resetPassword);
  await laptop.getByLabel("New password", { exact: true }).fill(CHANGED);
  await laptop.getByLabel("New password again").fill(CHANGED);
  await laptop.getByRole("button", { name: "Change password" }).click();
  await expect(laptop.getByRole("status")).toContainText("other sessions were signed out");

  // 3. The other session is over; this one goes on.
  await expectSignedOut(phone);
  await laptop.goto("/settings/tokens");
  await expect(laptop).toHaveURL(/\/settings\/tokens$/);

  // 4. Someone guesses until the account locks; the admin unlocks it and the right password works again.
  const guesser = await device(browser, baseURL);
  for (let i = 0; i < 5; i++) {
    await signIn(guesser, USER.email, `wrong guess number ${i}`);
    await expect(guesser.getByRole("alert").filter({ hasText: "email or password" })).toBeVisible();
  }
  // Locked: even the right password is refused now.
  await signIn(guesser, USER.email, CHANGED);
  await expect(guesser.getByRole("alert").filter({ hasText: /too many|locked/i })).toBeVisible();
  await expect(guesser).toHaveURL(/\/login$/);
  await page.reload();
  await expect(row).toContainText("locked");
  await row.getByRole("button", { name: "Unlock" }).click();
  await expect(row).not.toContainText("locked");
  await signIn(guesser, USER.email, CHANGED);
  await expectSignedIn(guesser);

  // 5. The user makes an API token; the admin deletes the user; session and token end at once.
  await laptop.getByLabel("Name").fill("bob's script");
  await laptop.getByRole("button", { name: "Create token" }).click();
  const token = ((await laptop.getByTestId("new-token").textContent()) ?? "").trim();
  const auth = { Authorization: `Bearer ${token}` };
  expect((await request.get("/api/v1/networks", { headers: auth })).status()).toBe(200);

  await row.getByRole("button", { name: "Delete", exact: true }).click();
  await row.getByRole("button", { name: "Delete user" }).click();
  await expect(page.getByRole("row").filter({ hasText: USER.email })).toHaveCount(0);
  expect((await request.get("/api/v1/networks", { headers: auth })).status()).toBe(401);
  await expectSignedOut(laptop);
  await expectSignedOut(guesser);

  // Their history stays in the audit log.
  await page.goto(`/audit`);
  await page.getByLabel("Actor").fill(USER.email);
  // other specs' admin made tokens too: one row left means the filter applied, and it is the user's own
  const tokenRows = page.getByRole("row").filter({ hasText: "api-token.create" });
  await expect(tokenRows).toHaveCount(1);
  await expect(tokenRows).toContainText(USER.email);
  await expect(page.getByRole("row").filter({ hasText: "user.delete" })).toHaveCount(0); // done by the admin
});
