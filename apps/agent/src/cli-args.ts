/**
 * `--token VALUE` → `--token=VALUE` for options that take a value. Node's parseArgs refuses a separate value that
 * starts with "-" as ambiguous, and one-time tokens are base64url, so about one in 64 starts with "-".
 */
export function attachOptionValues(argv: readonly string[], valueOptions: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith("--") && !arg.includes("=") && valueOptions.has(arg.slice(2)) && next !== undefined) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
