import type { PrismaClient } from "@dmvpn/db";
import { createCaller } from "../src/server/api/root";
import { type CookieJar, createContext } from "../src/server/api/trpc";

/** A browser-like client for router tests: its own cookie jar, so sign-in really creates a session. */
export function testClient(db: PrismaClient) {
  const cookies = new Map<string, string>();
  const jar: CookieJar = {
    get: (name) => cookies.get(name),
    set: (name, value) => void cookies.set(name, value),
    clear: (name) => void cookies.delete(name),
  };
  return {
    cookies,
    /** A caller with the jar's current session (call again after signing in or out). */
    api: async () => createCaller(await createContext({ db, cookies: jar, userAgent: "vitest", secure: false })),
  };
}

export const ADMIN = { email: "admin@example.net", name: "Ada Admin", password: "correct horse battery" };

/** An empty console with its first admin signed in. */
export async function signedInAdmin(db: PrismaClient) {
  const client = testClient(db);
  await (await client.api()).auth.createFirstAdmin(ADMIN);
  return client;
}

/** Another user with the given role, created by the admin, then signed in on their own client. */
export async function signedInAs(
  db: PrismaClient,
  admin: ReturnType<typeof testClient>,
  role: "admin" | "operator" | "viewer",
) {
  const user = { email: `${role}@example.net`, name: role, password: `password-for-${role}`, role };
  await (await admin.api()).users.create(user);
  const client = testClient(db);
  await (await client.api()).auth.signIn({ email: user.email, password: user.password });
  return client;
}
