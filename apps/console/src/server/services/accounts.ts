import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@dmvpn/db";
import { verify } from "@node-rs/argon2";
import { z } from "zod";
import { DomainError, invalidInput, notFound } from "../errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import { hashPassword, hashSessionToken, passwordSchema } from "./auth";

/**
 * An account's life after creation: changing one's password, and the admin's reset, unlock and delete. Each ends
 * the sessions that should not outlive it, in the same transaction as the change.
 */

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "is required").max(200, "must be at most 200 characters"),
  newPassword: passwordSchema,
});

function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw invalidInput(parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
  return parsed.data;
}

/** The signed-in user's new password; every other session of theirs ends (a stolen cookie dies with the old one). */
export async function changeOwnPassword(
  db: PrismaClient,
  actor: Actor,
  sessionToken: string | undefined,
  input: z.input<typeof changePasswordSchema>,
) {
  if (actor.type !== "user" || !sessionToken)
    throw new DomainError("FORBIDDEN", "change your password signed in to the console, not with a token");
  const { currentPassword, newPassword } = parse(changePasswordSchema, input);
  const user = await db.user.findUnique({ where: { id: actor.id } });
  if (!user) throw notFound("user");
  if (!(await verify(user.passwordHash, currentPassword).catch(() => false)))
    throw invalidInput([{ path: ["currentPassword"], message: "is wrong" }]);
  if (currentPassword === newPassword)
    throw invalidInput([{ path: ["newPassword"], message: "must differ from the current password" }]);
  const passwordHash = await hashPassword(newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const ended = await tx.session.deleteMany({
      where: { userId: user.id, id: { not: hashSessionToken(sessionToken) } },
    });
    await recordAudit(tx, actor, {
      action: "user.change-password",
      entityType: "user",
      entityId: user.id,
      entityName: user.email,
      after: { otherSessionsEnded: ended.count },
    });
  });
  return { ok: true };
}

async function otherUser(db: Pick<PrismaClient, "user">, actor: Actor, id: string, own: string) {
  if (actor.id === id) throw new DomainError("FORBIDDEN", own);
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw notFound("user");
  return user;
}

/** A password an admin hands over once; 24 random base64url characters (144 bits). */
const generatedPassword = () => randomBytes(18).toString("base64url");

/**
 * Gives another user a new random password, returned here once and stored only as a hash. It also lifts a
 * lock-out and ends all the user's sessions: whoever held the account before the reset is signed out.
 */
export async function resetUserPassword(db: PrismaClient, actor: Actor, id: string) {
  const user = await otherUser(db, actor, id, "to change your own password, use Change password instead");
  const password = generatedPassword();
  const passwordHash = await hashPassword(password);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id }, data: { passwordHash, failedLogins: 0, lockedUntil: null } });
    const ended = await tx.session.deleteMany({ where: { userId: id } });
    await recordAudit(tx, actor, {
      action: "user.reset-password",
      entityType: "user",
      entityId: id,
      entityName: user.email,
      after: { sessionsEnded: ended.count },
    });
  });
  return { password };
}

/** Lifts a sign-in lock-out now, instead of waiting for it to expire. */
export async function unlockUser(db: PrismaClient, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw notFound("user");
    await tx.user.update({ where: { id }, data: { failedLogins: 0, lockedUntil: null } });
    await recordAudit(tx, actor, {
      action: "user.unlock",
      entityType: "user",
      entityId: id,
      entityName: user.email,
      before: { failedLogins: user.failedLogins, lockedUntil: user.lockedUntil },
    });
    return { id };
  });
}

/**
 * Deletes a user. Their sessions and API tokens go with the row (foreign keys cascade), so both stop working at
 * once; the audit log keeps their history, because audit rows hold the actor's name, not a reference.
 */
export async function deleteUser(db: PrismaClient, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const user = await otherUser(tx, actor, id, "you cannot delete your own account");
    await tx.user.delete({ where: { id } });
    if ((await tx.user.count({ where: { role: "admin", disabled: false } })) === 0)
      throw new DomainError("FORBIDDEN", "the last active admin cannot be deleted");
    await recordAudit(tx, actor, {
      action: "user.delete",
      entityType: "user",
      entityId: id,
      entityName: user.email,
      before: { email: user.email, name: user.name, role: user.role, disabled: user.disabled },
    });
    return { id };
  });
}
