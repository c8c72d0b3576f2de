import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { ADMIN, signedInAdmin, signedInAs, testClient } from "../../../test/caller";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(() => cleanup());

describe("first run and sign-in", () => {
  it("offers the first admin only while there is no user", async () => {
    const visitor = testClient(db);
    expect((await (await visitor.api()).auth.status()).hasUsers).toBe(false);
    await (await visitor.api()).auth.createFirstAdmin(ADMIN);
    const status = await (await visitor.api()).auth.status();
    expect(status).toMatchObject({ hasUsers: true, user: { email: ADMIN.email, role: "admin" } });
    const intruder = testClient(db);
    await expect((await intruder.api()).auth.createFirstAdmin({ ...ADMIN, email: "x@example.net" })).rejects.toThrow(
      /already has users/,
    );
    expect(await db.user.count()).toBe(1);
  });

  it("stores an argon2id hash and a hashed session token, never the secrets", async () => {
    const client = await signedInAdmin(db);
    const user = await db.user.findFirstOrThrow();
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(ADMIN.password);
    const token = client.cookies.get("dmvpn_session");
    const session = await db.session.findFirstOrThrow();
    expect(token).toBeTruthy();
    expect(session.id).not.toBe(token);
    expect(session.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses weak first passwords with a field message", async () => {
    const visitor = testClient(db);
    await expect((await visitor.api()).auth.createFirstAdmin({ ...ADMIN, password: "short" })).rejects.toThrow(
      /password: must be at least 12 characters/,
    );
    expect(await db.user.count()).toBe(0);
  });

  it("signs in, rejects a wrong password with one message, and signs out", async () => {
    await signedInAdmin(db);
    const other = testClient(db);
    await expect((await other.api()).auth.signIn({ email: ADMIN.email, password: "wrong password!!" })).rejects.toThrow(
      /email or password is wrong/,
    );
    await expect(
      (await other.api()).auth.signIn({ email: "nobody@example.net", password: "whatever12345" }),
    ).rejects.toThrow(/email or password is wrong/);
    await (await other.api()).auth.signIn({ email: ADMIN.email.toUpperCase(), password: ADMIN.password });
    expect((await (await other.api()).auth.status()).user?.email).toBe(ADMIN.email);
    await (await other.api()).auth.signOut();
    expect((await (await other.api()).auth.status()).user).toBeNull();
  });

  it("a disabled user's sessions end at once", async () => {
    const admin = await signedInAdmin(db);
    const operator = await signedInAs(db, admin, "operator");
    const me = (await (await operator.api()).auth.status()).user;
    await (await admin.api()).users.update({ id: me?.id ?? "", disabled: true });
    expect((await (await operator.api()).auth.status()).user).toBeNull();
  });

  it("keeps the last admin", async () => {
    const admin = await signedInAdmin(db);
    const me = (await (await admin.api()).auth.status()).user;
    await expect((await admin.api()).users.update({ id: me?.id ?? "", role: "viewer" })).rejects.toThrow(
      /last active admin/,
    );
    expect((await db.user.findFirstOrThrow()).role).toBe("admin");
  });
});

describe("roles, enforced on the server", () => {
  const network = { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1 };

  it("viewers read but cannot change anything", async () => {
    const admin = await signedInAdmin(db);
    const { id } = await (await admin.api()).networks.create(network);
    const viewer = await (await signedInAs(db, admin, "viewer")).api();
    expect((await viewer.networks.list()).map((n) => n.name)).toEqual(["corp"]);
    await expect(viewer.networks.create({ ...network, name: "other" })).rejects.toThrow(
      /needs the operator role; you are viewer/,
    );
    await expect(viewer.networks.update({ id, network: { ...network, greKey: 7 } })).rejects.toThrow(/operator role/);
    await expect(viewer.networks.delete({ id })).rejects.toThrow(/operator role/);
    await expect(
      viewer.sites.create({
        networkId: id,
        site: { name: "s", role: "spoke", platform: "frr-linux", wanInterface: "eth0" },
      }),
    ).rejects.toThrow(/operator role/);
    await expect(viewer.inventory.applyImport({ format: "csv", text: "" })).rejects.toThrow(/operator role/);
    await expect(viewer.users.list()).rejects.toThrow(/admin role/);
    await expect(viewer.networks.revealPsk({ id })).rejects.toThrow(/admin role/);
    expect(await db.network.count()).toBe(1);
    expect((await db.network.findFirstOrThrow()).greKey).toBe(42);
  });

  it("operators change the inventory but not users or secrets", async () => {
    const admin = await signedInAdmin(db);
    const operator = await (await signedInAs(db, admin, "operator")).api();
    const { id } = await operator.networks.create(network);
    await expect(operator.networks.revealPsk({ id })).rejects.toThrow(/admin role/);
    await expect(
      operator.users.create({ email: "v@example.net", name: "v", password: "long enough password", role: "viewer" }),
    ).rejects.toThrow(/admin role/);
  });

  it("signed-out callers get nothing", async () => {
    const anonymous = await testClient(db).api();
    await expect(anonymous.networks.list()).rejects.toThrow(/sign in first/);
    await expect(anonymous.sites.list({})).rejects.toThrow(/sign in first/);
    await expect(anonymous.audit.list({})).rejects.toThrow(/sign in first/);
  });
});
