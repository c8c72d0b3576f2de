import { TRPCClientError } from "@trpc/client";

interface IssueShape {
  path: (string | number)[];
  message: string;
}

/**
 * Splits a tRPC error into messages per form field (from the server's `fieldIssues`) and a general message.
 * Field keys join the path with dots: "lanPrefixes.0".
 */
export function fieldErrors(error: unknown): { byField: Record<string, string>; general: string | null } {
  if (!(error instanceof TRPCClientError)) return { byField: {}, general: error ? String(error) : null };
  const issues = (error.data as { fieldIssues?: IssueShape[] | null } | undefined)?.fieldIssues ?? null;
  if (!issues?.length) return { byField: {}, general: error.message };
  const byField: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.join(".");
    byField[key] = byField[key] ? `${byField[key]}; ${issue.message}` : issue.message;
  }
  return { byField, general: null };
}

/** The first error for a field or any of its items (e.g. "lanPrefixes" covers "lanPrefixes.1"). */
export function errorFor(byField: Record<string, string>, field: string): string | undefined {
  if (byField[field]) return byField[field];
  const nested = Object.entries(byField).filter(([k]) => k.startsWith(`${field}.`));
  return nested.length ? nested.map(([, v]) => v).join("; ") : undefined;
}
