import type { PrismaClient } from "@dmvpn/db";
import { type FieldIssue, type UserRole, zodIssues } from "@dmvpn/inventory";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import { DomainError, invalidInput } from "../errors";
import { internalErrorRef } from "../internal-error";
import { type ConsoleRuntime, findRuntime } from "../runtime";
import type { Actor } from "../services/actor";
import { authenticateApiToken, type TokenAuth } from "../services/api-tokens";
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
  /** the request's Authorization header: `Bearer <API token>` authenticates instead of the session cookie */
  authorization?: string | null;
  /** false for a browser request from another site: cookie-authenticated mutations are then refused (CSRF) */
  sameOrigin?: boolean;
  /** the caller's address, for the sign-in limiter */
  clientIp?: string | null;
  /** set when the request authenticated with an API token: its id and scope */
  token: TokenAuth["token"] | null;
  /** why authentication failed, when a credential was sent but not accepted */
  authProblem: string | null;
  /**
   * The process's runtime (gateway, bus, deployment runner): routers take what they need from here, never from a
   * global. Null where none was set (router tests without a gateway).
   */
  runtime: ConsoleRuntime | null;
}

/** The one context builder, for the HTTP handler, the REST handler, server components and tests alike. */
export async function createContext(
  input: Omit<Context, "user" | "token" | "authProblem" | "runtime"> & { runtime?: ConsoleRuntime | null },
): Promise<Context> {
  return withRuntime(await authenticate(input), input.runtime);
}

/**
 * The one place the runtime is looked up (server.ts hands it over outside Next's bundle, runtime.ts): when a
 * procedure reads it, not when the context is made, so a caller made before the console started (tests) or kept
 * across a restart sees the runtime of the moment.
 */
function withRuntime(ctx: Omit<Context, "runtime">, given: ConsoleRuntime | null | undefined): Context {
  return Object.defineProperty(ctx, "runtime", {
    get: () => given ?? findRuntime(),
    enumerable: true,
  }) as Context;
}

async function authenticate(opts: Omit<Context, "user" | "token" | "authProblem" | "runtime">) {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(opts.authorization ?? "");
  if (opts.authorization) {
    // A request with a token is judged by the token alone; a cookie sent along does not count.
    const auth = bearer ? await authenticateApiToken(opts.db, bearer[1] ?? "") : null;
    return {
      ...opts,
      user: auth?.user ?? null,
      token: auth?.token ?? null,
      authProblem: auth
        ? null
        : bearer
          ? "the API token is unknown, expired or revoked"
          : "the Authorization header must be: Bearer <API token>",
    };
  }
  const user = await getSessionUser(opts.db, opts.cookies.get(SESSION_COOKIE));
  return { ...opts, user, token: null, authProblem: null };
}

/** The runtime, for procedures that cannot work without it (live feeds, the demo). */
export function requireRuntime(ctx: Pick<Context, "runtime">): ConsoleRuntime {
  if (!ctx.runtime) throw new Error("console runtime not initialised: start the console through server.ts (npm start)");
  return ctx.runtime;
}

export interface Meta extends OpenApiMeta {
  /**
   * The input key holding the record a form edits (`site`, `network`, …): input issues under it are reported
   * relative to it, as the service reports its own checks, so a form maps every issue to its field.
   */
  fieldsUnder?: string;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
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
      if (shape.data.code === "INTERNAL_SERVER_ERROR") {
        const message = `internal error (reference ${internalErrorRef(error)}; details are in the console's log)`;
        return { ...shape, message, data: { ...shape.data, stack: undefined, fieldIssues: null } };
      }
      return { ...shape, data: { ...shape.data, stack: undefined, fieldIssues } };
    },
  });

/** Services throw DomainError; this turns it into the matching tRPC error (HTTP status) with the same message. */
const domainErrors = t.middleware(async ({ meta, next }) => {
  const result = await next();
  // The input schema refused it: the same "field: message" errors the services give, not zod's JSON dump.
  if (!result.ok && result.error.code === "BAD_REQUEST" && result.error.cause instanceof ZodError) {
    const under = meta?.fieldsUnder;
    const issues = zodIssues(result.error.cause).map((i) =>
      under !== undefined && i.path.length > 1 && i.path[0] === under ? { ...i, path: i.path.slice(1) } : i,
    );
    const cause = invalidInput(issues);
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

/**
 * CSRF: a mutation authenticated by the session cookie (or signing in) must come from the console's own pages.
 * The browser says so with Sec-Fetch-Site / Origin; requests with an API token carry no ambient credential.
 */
const sameOriginMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && !ctx.token && ctx.sameOrigin === false) {
    throw new TRPCError({ code: "FORBIDDEN", message: "cross-site request refused: use the console's own pages" });
  }
  return next();
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(domainErrors).use(sameOriginMutations);

const RANK: Record<UserRole, number> = { viewer: 0, operator: 1, admin: 2 };

/**
 * Role and scope checks live here and nowhere else: every procedure declares the least role it needs, and a
 * read-scope API token may only call queries.
 */
function requireRole(least: UserRole) {
  return t.middleware(({ ctx, type, next }) => {
    if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: ctx.authProblem ?? "sign in first" });
    if (RANK[ctx.user.role] < RANK[least]) {
      throw new TRPCError({ code: "FORBIDDEN", message: `this needs the ${least} role; you are ${ctx.user.role}` });
    }
    if (ctx.token && ctx.token.scope !== "read-write" && type !== "query") {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "this API token is read-only; changes need a read-write token",
      });
    }
    const actor: Actor = ctx.token
      ? {
          type: "token",
          id: ctx.user.id,
          name: `${ctx.user.email} (token ${ctx.token.prefix}…)`,
          role: ctx.user.role,
          tokenId: ctx.token.id,
        }
      : { type: "user", id: ctx.user.id, name: ctx.user.email, role: ctx.user.role };
    return next({ ctx: { ...ctx, user: ctx.user, actor } });
  });
}

/**
 * The one rule for reading secrets (pre-shared keys, webhook secrets, configs or exports with keys): an admin,
 * signed in or with a read-write token. Secret reads that are mutations get it from adminProcedure (read tokens
 * call queries only); a query that can return a secret calls this for that case.
 */
export function requireSecretAccess(ctx: Pick<Context, "user" | "token">): void {
  if (ctx.user?.role !== "admin" || (ctx.token && ctx.token.scope !== "read-write")) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "only admins can read secrets, signed in or with a read-write API token",
    });
  }
}

export const viewerProcedure = publicProcedure.use(requireRole("viewer"));
export const operatorProcedure = publicProcedure.use(requireRole("operator"));
export const adminProcedure = publicProcedure.use(requireRole("admin"));
