import { randomBytes } from "node:crypto";

/**
 * An unexpected failure is logged and reported by reference only: Prisma's messages can quote the query's
 * arguments (a pre-shared key, a password hash), so neither the log nor the response carries more than the
 * error's kind, code and first line. The same reference appears in both, to find the log line.
 */
const refs = new WeakMap<object, string>();

export function internalErrorRef(error: object): string {
  let ref = refs.get(error);
  if (!ref) {
    ref = randomBytes(4).toString("hex");
    refs.set(error, ref);
  }
  return ref;
}

export function describeInternalError(error: Error): string {
  const cause = (error.cause ?? error) as Error & { code?: unknown };
  const code = typeof cause.code === "string" ? ` ${cause.code}` : "";
  const firstLine = (cause.message ?? "").split("\n").find((l) => l.trim()) ?? "";
  return `${cause.name}${code}: ${firstLine.slice(0, 200)}`;
}
