import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, signedInAs, testClient } from "../../../test/caller";
import { LOCKOUT_AFTER } from "../services/auth";
import { createCaller } from "./root";
import { createContext } from "./trpc";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(() => cleanup());

const OPERATOR = { email: "operator@example.net", password: "password-for-operator" };

async function signIn(email: string, password: string) {
  const client = testClient(db);
  await (await client.api()).auth.signIn({ email, password });
  return client;
}
const whoIs = async (client: ReturnType<typeof testClient>) => (await (await client.api()).auth.status()).user?.email;
const operatorId = async () => (await db.user.findUniqueOrThrow({ where: { email: OPERATOR.email } })).id;

async function withToken(token: string) {
  const noCookies = { get: () => undefined, set: () => {}, clear: () => {} };
  const ctx = await createContext({
    db,
    cookies: noCookies,
    userAgent: "t",
    secure: false,
    authorization: `Bearer ${token}`,
  });
  return createCaller(ctx);
}

describe("changing one's own password", () => {
  it("needs the current password, ends the user's other sessions and keeps this one", async () => {
    const admin = await signedInAdmin(db);
    const laptop = await signedInAs(db, admin, "operator");
    const phone = await signIn(OPERATOR.email, OPERATOR.password);
    const api = await laptop.api();

    await expect(
      api.auth.changePassword({ currentPassword: "not the password", newPassword: "a new long password" }),
    ).rejects.toThrow(/currentPassword: is wrong/);
    await expect(api.auth.changePassword({ currentPassword: OPERATOR.password, newPassword: "short" })).rejects.toThrow(
      /newPassword: must be at least 12 characters/,
    );
    expect(await whoIs(phone)).toBe(OPERATOR.email);

    await api.auth.changePassword({ currentPassword: OPERATOR.password, newPassword: "a new long password" });
    expect(await whoIs(laptop)).toBe(OPERATOR.email);
    expect(await whoIs(phone)).toBeUndefined(); // a stolen session dies with the old password
    await expect(signIn(OPERATOR.email, OPERATOR.password)).rejects.toThrow(/email or password is wrong/);
    expect(await whoIs(await signIn(OPERATOR.email, "a new long password"))).toBe(OPERATOR.email);

    const audit = await db.auditEvent.findMany({ where: { action: "user.change-password" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain("a new long password");
  });

  it("cannot be done with an API token", async () => {
    const admin = await signedInAdmin(db);
    const { token } = await (await admin.api()).apiTokens.create({ name: "ci", scope: "read-write", expiresInDays: 1 });
    const api = await withToken(token);
    await expect(
      api.auth.changePassword({ currentPassword: "correct horse battery", newPassword: "stolen token password" }),
    ).rejects.toThrow(/FORBIDDEN|not with a token/);
  });
});

describe("admin account actions", () => {
  it("resets a password: shown once, the old one and every session end, the audit holds no password", async () => {
    const admin = await signedInAdmin(db);
    const operator = await signedInAs(db, admin, "operator");
    const { password } = await (await admin.api()).users.resetPassword({ id: await operatorId() });
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(await whoIs(operator)).toBeUndefined();
    await expect(signIn(OPERATOR.email, OPERATOR.password)).rejects.toThrow(/email or password is wrong/);
    expect(await whoIs(await signIn(OPERATOR.email, password))).toBe(OPERATOR.email);
    const stored = await db.user.findUniqueOrThrow({ where: { email: OPERATOR.email } });
    expect(stored.passwordHash).not.toContain(password);
    const audit = await db.auditEvent.findMany({ where: { action: "user.reset-password" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(password);
  });

  it("an operator cannot reset, unlock or delete anyone", async () => {
    const admin = await signedInAdmin(db);
    const operator = await (await signedInAs(db, admin, "operator")).api();
    const adminId = (await db.user.findFirstOrThrow({ where: { role: "admin" } })).id;
    await expect(operator.users.resetPassword({ id: adminId })).rejects.toThrow(/admin role/);
    await expect(operator.users.unlock({ id: adminId })).rejects.toThrow(/admin role/);
    await expect(operator.users.delete({ id: adminId })).rejects.toThrow(/admin role/);
    expect(await db.user.count()).toBe(2);
  });

  it("unlocks a locked-out user, who can then sign in with the right password", async () => {
    const admin = await signedInAdmin(db);
    await signedInAs(db, admin, "operator");
    for (let i = 0; i < LOCKOUT_AFTER; i++) {
      await expect(signIn(OPERATOR.email, "wrong password!!")).rejects.toThrow();
    }
    // Locked: refused with the same message as a wrong password (L4), so the lock shows only on the users page.
    await expect(signIn(OPERATOR.email, OPERATOR.password)).rejects.toThrow(/email or password is wrong/);
    const listed = (await (await admin.api()).users.list()).find((u) => u.email === OPERATOR.email);
    expect(listed?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());

    await (await admin.api()).users.unlock({ id: await operatorId() });
    expect(await whoIs(await signIn(OPERATOR.email, OPERATOR.password))).toBe(OPERATOR.email);
    expect(await db.auditEvent.count({ where: { action: "user.unlock" } })).toBe(1);
  });

  it("deletes a user: sessions and API tokens end at once, their audit history stays", async () => {
    const admin = await signedInAdmin(db);
    const operator = await signedInAs(db, admin, "operator");
    const { token } = await (await operator.api()).apiTokens.create({
      name: "script",
      scope: "read-write",
      expiresInDays: null,
    });
    expect((await (await withToken(token)).networks.list()).length).toBe(0);
    const before = await db.auditEvent.count({ where: { actorName: OPERATOR.email } });
    expect(before).toBeGreaterThan(0);

    await (await admin.api()).users.delete({ id: await operatorId() });
    expect(await whoIs(operator)).toBeUndefined();
    await expect((await withToken(token)).networks.list()).rejects.toThrow(/API token is unknown/);
    await expect(signIn(OPERATOR.email, OPERATOR.password)).rejects.toThrow(/email or password is wrong/);
    expect(await db.auditEvent.count({ where: { actorName: OPERATOR.email } })).toBe(before);
    const deleted = await db.auditEvent.findFirstOrThrow({ where: { action: "user.delete" } });
    expect(JSON.parse(deleted.before ?? "{}")).toMatchObject({ email: OPERATOR.email, role: "operator" });
  });

  it("refuses to delete or reset one's own account from the users page", async () => {
    const admin = await signedInAdmin(db);
    const api = await admin.api();
    const me = (await api.auth.status()).user?.id ?? "";
    await expect(api.users.delete({ id: me })).rejects.toThrow(/your own account/);
    await expect(api.users.resetPassword({ id: me })).rejects.toThrow(/your own/);
    await expect(api.users.delete({ id: "no-such-user" })).rejects.toThrow(/user not found/);
    expect(await db.user.count()).toBe(1);
  });
});
