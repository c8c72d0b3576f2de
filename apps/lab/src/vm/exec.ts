import { execFile } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs a command without a shell; a non-zero exit is returned, not thrown, because vtysh uses 1 for "no entries". */
export function runCommand(argv: string[], input?: string): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error("empty command");
  return new Promise((resolve) => {
    const child = execFile(file, args, { maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code =
        error && typeof (error as NodeJS.ErrnoException).code === "number" ? Number(error.code) : error ? 127 : 0;
      resolve({
        stdout: String(stdout),
        stderr: String(stderr) || (error && code === 127 ? error.message : ""),
        exitCode: code,
      });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Like runCommand, but a failure is an error carrying the command and its stderr. */
export async function mustRun(argv: string[], input?: string): Promise<string> {
  const result = await runCommand(argv, input);
  if (result.exitCode !== 0) {
    throw new Error(`${argv.join(" ")} exited ${result.exitCode}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  everyMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
