import { type FieldIssue, formatIssue } from "@dmvpn/inventory";

export type DomainErrorCode =
  | "BAD_REQUEST"
  | "NOT_FOUND"
  | "CONFLICT"
  | "FORBIDDEN"
  | "UNAUTHORIZED"
  | "TOO_MANY_REQUESTS";

/** What services throw; the API layer maps it to an HTTP/tRPC error and hands `issues` to forms field by field. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export function invalidInput(issues: FieldIssue[]): DomainError {
  const shown = issues.slice(0, 5).map(formatIssue).join("; ");
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  return new DomainError("BAD_REQUEST", `${shown}${more}`, issues);
}

export function notFound(what: string): DomainError {
  return new DomainError("NOT_FOUND", `${what} not found`);
}
