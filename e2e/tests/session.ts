import { expect, type Page } from "@playwright/test";

/** The one admin every spec uses: spec files share one fresh database per run (inventory.spec.ts first). */
export const ADMIN = { name: "Ada Admin", email: "ada@example.net", password: "a long enough password" };

/** Lands signed in on the dashboard, creating the first admin when the console is still empty. */
export async function enterConsole(page: Page) {
  await page.goto("/");
  if (page.url().endsWith("/setup")) {
    await page.getByLabel("Name").fill(ADMIN.name);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
  } else if (page.url().endsWith("/login")) {
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await expect(page).toHaveURL(/\/$/); // home is the dashboard
}

/** Calls a tRPC procedure as the signed-in page (a mutation by default) and returns its data; fails on an error. */
export async function trpc(page: Page, path: string, input: unknown, method: "query" | "mutation" = "mutation") {
  const origin = new URL(page.url()).origin;
  const res =
    method === "mutation"
      ? await page.request.post(`/api/trpc/${path}`, { data: { json: input }, headers: { origin } })
      : await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()).result.data.json;
}
