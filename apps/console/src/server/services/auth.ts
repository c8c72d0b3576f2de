import { createHash, randomBytes } from "node:crypto";
import type { Db, PrismaClient } from "@dmvpn/db";
import { USER_ROLES, type UserRole } from "@dmvpn/inventory";
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import { DomainError, invalidInput } from "../errors";
import { findRuntime } from "../runtime";
import { type Actor, systemActor } from "./actor";
import { revokeUserApiTokens } from "./api-tokens";
import { recordAudit } from "./audit";
import { SignInLimiter, type SignInLimits } from "./sign-in-limiter";

export const SESSION_COOKIE = "dmvpn_session";
const SESSION_DAYS = 7;
/** Sliding expiry: a session in use is extended at most once an hour. */
const EXTEND_AFTER_MS = 60 * 60 * 1000;

export const passwordSchema = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(200, "must be at most 200 characters");

export const newUserSchema = z.object({
  email: z.email("must be an email address").trim().toLowerCase(),
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  password: passwordSchema,
  role: z.enum(USER_ROLES, { error: "must be admin, operator or viewer" }),
});
export type NewUser = z.input<typeof newUserSchema>;

// argon2id with OWASP's minimum memory/time cost; verify() reads the parameters from the stored hash.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const hashPassword = (password: string) => hash(password, ARGON2);

/** A hash to verify against when the user does not exist, so a sign-in takes as long either way. */
let dummyHash: Promise<string> | undefined;

export const hashSessionToken = (token: string) => createHash("sha256").update(token).digest("hex");
const tokenHash = hashSessionToken;

export async function hasUsers(db: Db): Promise<boolean> {
  return (await db.user.count()) > 0;
}

/** The first-run "create admin" step: only possible while there is no user at all. */
export async function createFirstAdmin(db: PrismaClient, input: Omit<NewUser, "role">) {
  const parsed = newUserSchema.safeParse({ ...input, role: "admin" });
  if (!parsed.success)
    throw invalidInput(parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
  const passwordHash = await hashPassword(parsed.data.password);
  const alreadySetUp = new DomainError("FORBIDDEN", "the console already has users: sign in instead");
  // Check and insert as one step: under PostgreSQL's default (read committed) two simultaneous calls both saw no
  // user and both created an admin. The first admin's row has a fixed key, so the database itself lets only one
  // insert win; the loser's duplicate key (or write conflict) means "already set up". (A serializable transaction
  // alone fails at COMMIT there, which leaves Prisma's pg connection checked out.)
  return db
    .$transaction(async (tx) => {
      if ((await tx.user.count()) > 0) throw alreadySetUp;
      const user = await tx.user.create({
        data: { id: FIRST_ADMIN_ID, email: parsed.data.email, name: parsed.data.name, role: "admin", passwordHash },
      });
      await recordAudit(
        tx,
        { type: "user", id: user.id, name: user.name, role: "admin" },
        {
          action: "user.create-first-admin",
          entityType: "user",
          entityId: user.id,
          entityName: user.email,
          after: { email: user.email, name: user.name, role: user.role },
        },
      );
      return user;
    })
    .catch((err: unknown) => {
      throw lostTheRace(err) ? alreadySetUp : err;
    });
}

/** The first-run admin's user id: one fixed key makes "the first admin" a uniqueness the database enforces. */
const FIRST_ADMIN_ID = "first-admin";

/** A concurrent setup won: duplicate key (P2002) or, under PostgreSQL, a write conflict (P2034). */
function lostTheRace(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { kind?: unknown } } | null;
  return e?.code === "P2002" || e?.code === "P2034" || e?.cause?.kind === "TransactionWriteConflict";
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

/** Consecutive failures before an account is locked, and for how long (doubling with each further failure). */
export const LOCKOUT_AFTER = 5;
const LOCKOUT_BASE_MS = 60_000;
const LOCKOUT_MAX_MS = 60 * 60_000;
export const signInLimiter = new SignInLimiter();
/** The runtime's (Redis, shared by every instance, when several run) or this process's. Read through the runtime:
 * Next's route bundle has its own copy of this module, server.ts another. */
const signInLimits = (): SignInLimits => findRuntime()?.signInLimits ?? signInLimiter;

function tooManyAttempts(retryMs: number): DomainError {
  const minutes = Math.max(1, Math.ceil(retryMs / 60_000));
  return new DomainError("TOO_MANY_REQUESTS", `too many failed sign-ins: try again in ${minutes} minute(s)`);
}

export async function signIn(db: Db, email: string, password: string, userAgent: string | null, ip?: string | null) {
  if (ip) {
    const wait = await signInLimits().retryAfterMs(ip);
    if (wait > 0) throw tooManyAttempts(wait);
  }
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  // A locked account answers as an unknown one, after the same password check: status, message and time must not
  // tell an attacker which emails exist.
  const locked = Boolean(user?.lockedUntil && user.lockedUntil > new Date());
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  const ok = await verify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
  if (!user || !ok || user.disabled || locked) {
    if (ip) await signInLimits().recordFailure(ip);
    if (user && !ok && !locked) {
      const failedLogins = user.failedLogins + 1;
      const over = failedLogins - LOCKOUT_AFTER;
      const lockedUntil =
        over >= 0 ? new Date(Date.now() + Math.min(LOCKOUT_MAX_MS, LOCKOUT_BASE_MS * 2 ** Math.min(over, 10))) : null;
      await db.user.update({ where: { id: user.id }, data: { failedLogins, ...(lockedUntil ? { lockedUntil } : {}) } });
      if (lockedUntil) {
        await recordAudit(db, systemActor("sign-in limiter"), {
          action: "user.lock",
          entityType: "user",
          entityId: user.id,
          entityName: user.email,
          after: { failedLogins, lockedUntil },
        });
      }
    }
    // One message for every case: do not tell an attacker which emails exist.
    throw new DomainError(
      "UNAUTHORIZED",
      "email or password is wrong, or the account is disabled or locked for a while after failed sign-ins",
    );
  }
  if (user.failedLogins > 0 || user.lockedUntil) {
    await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
  }
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86400_000);
  await db.session.create({
    data: { id: tokenHash(token), userId: user.id, expiresAt, userAgent: userAgent?.slice(0, 200) ?? null },
  });
  await recordAudit(
    db,
    { type: "user", id: user.id, name: user.name, role: user.role as UserRole },
    {
      action: "session.sign-in",
      entityType: "user",
      entityId: user.id,
      entityName: user.email,
    },
  );
  return { token, expiresAt };
}

export async function getSessionUser(db: Db, token: string | undefined): Promise<SessionUser | null> {
  if (!token) return null;
  const id = tokenHash(token);
  const session = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!session || session.expiresAt <= new Date() || session.user.disabled) return null;
  if (Date.now() - session.lastSeenAt.getTime() > EXTEND_AFTER_MS) {
    await db.session.update({
      where: { id },
      data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_DAYS * 86400_000) },
    });
  }
  const { user } = session;
  return { id: user.id, email: user.email, name: user.name, role: user.role as UserRole };
}

export async function signOut(db: Db, token: string | undefined): Promise<void> {
  if (token) await db.session.deleteMany({ where: { id: tokenHash(token) } });
}

export async function listUsers(db: Db) {
  return db.user.findMany({
    orderBy: { email: "asc" },
    select: { id: true, email: true, name: true, role: true, disabled: true, lockedUntil: true, createdAt: true },
  });
}

export async function createUser(db: PrismaClient, actor: Actor, input: NewUser) {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success)
    throw invalidInput(parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })));
  const passwordHash = await hashPassword(parsed.data.password);
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: parsed.data.email } })) {
      throw invalidInput([{ path: ["email"], message: `${parsed.data.email} already has an account` }]);
    }
    const { password: _password, ...rest } = parsed.data;
    const user = await tx.user.create({ data: { ...rest, passwordHash } });
    await recordAudit(tx, actor, {
      action: "user.create",
      entityType: "user",
      entityId: user.id,
      entityName: user.email,
      after: rest,
    });
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  });
}

export const userUpdateSchema = z.object({
  id: z.string().min(1),
  role: z.enum(USER_ROLES, { error: "must be admin, operator or viewer" }).optional(),
  disabled: z.boolean().optional(),
});

export async function updateUser(db: PrismaClient, actor: Actor, input: z.infer<typeof userUpdateSchema>) {
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: input.id } });
    if (!before) throw new DomainError("NOT_FOUND", "user not found");
    const after = await tx.user.update({
      where: { id: input.id },
      data: {
        ...(input.role ? { role: input.role } : {}),
        ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
      },
    });
    // The console must keep one working admin, or nobody could manage users again.
    const admins = await tx.user.count({ where: { role: "admin", disabled: false } });
    if (admins === 0) {
      throw invalidInput([
        { path: [input.role ? "role" : "disabled"], message: "the last active admin cannot be demoted or disabled" },
      ]);
    }
    if (after.disabled) {
      await tx.session.deleteMany({ where: { userId: after.id } });
      await revokeUserApiTokens(tx, after.id);
    }
    const pick = (u: typeof before) => ({ role: u.role, disabled: u.disabled });
    await recordAudit(tx, actor, {
      action: "user.update",
      entityType: "user",
      entityId: after.id,
      entityName: after.email,
      before: pick(before),
      after: pick(after),
    });
    return { id: after.id, role: after.role, disabled: after.disabled };
  });
}
