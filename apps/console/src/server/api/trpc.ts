import type { PrismaClient } from "@dmvpn/db";
import type { FieldIssue, UserRole } from "@dmvpn/inventory";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { DomainError } from "../errors";
import type { Actor } from "../services/actor";
import { getSessionUser, SESSION_COOKIE, type SessionUser } from "../services/auth";

export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, options: { expires: Date; secure: boolean }): void;
  clear(name: string): void;
}

export interface Context {
  db: PrismaClient;
  user: SessionUser | null;
  cookies: CookieJar;
  userAgent: string | null;
  /** true when the request reached us over TLS (directly or via a proxy that says so) */
  secure: boolean;
}

/** The one context builder, for the HTTP handler, server components and tests alike. */
export async function createContext(opts: Omit<Context, "user">): Promise<Context> {
  const user = await getSessionUser(opts.db, opts.cookies.get(SESSION_COOKIE));
  return { ...opts, user };
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const fieldIssues: FieldIssue[] | null =
      cause instanceof DomainError && cause.issues.length
        ? cause.issues
        : cause instanceof ZodError
          ? cause.issues.map((i) => ({
              path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
              message: i.message,
            }))
          : null;
    return { ...shape, data: { ...shape.data, stack: undefined, fieldIssues } };
  },
});

/** Services throw DomainError; this turns it into the matching tRPC error (HTTP status) with the same message. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(domainErrors);

const RANK: Record<UserRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** Role checks live here and nowhere else: every procedure declares the least role it needs. */
function requireRole(least: UserRole) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
    if (RANK[ctx.user.role] < RANK[least]) {
      throw new TRPCError({ code: "FORBIDDEN", message: `this needs the ${least} role; you are ${ctx.user.role}` });
    }
    const actor: Actor = { type: "user", id: ctx.user.id, name: ctx.user.email, role: ctx.user.role };
    return next({ ctx: { ...ctx, user: ctx.user, actor } });
  });
}

export const viewerProcedure = publicProcedure.use(requireRole("viewer"));
export const operatorProcedure = publicProcedure.use(requireRole("operator"));
export const adminProcedure = publicProcedure.use(requireRole("admin"));
