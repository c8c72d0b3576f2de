import { execFile, spawn } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs a command without a shell; a non-zero exit is returned, not thrown, because vtysh uses 1 for "no entries".
 * A command still running after `timeoutMs` is killed and reported as exit 124, like timeout(1).
 */
export function runCommand(argv: string[], input?: string, timeoutMs = 60_000): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error("empty command");
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { maxBuffer: 32 * 1024 * 1024, timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        if (error?.killed) {
          resolve({ stdout: String(stdout), stderr: `${argv.join(" ")}: killed after ${timeoutMs} ms`, exitCode: 124 });
          return;
        }
        const code =
          error && typeof (error as NodeJS.ErrnoException).code === "number" ? Number(error.code) : error ? 127 : 0;
        resolve({
          stdout: String(stdout),
          stderr: String(stderr) || (error && code === 127 ? error.message : ""),
          exitCode: code,
        });
      },
    );
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

export interface WaitOptions {
  everyMs?: number;
  /** errors from `check` count as "not yet" (a console or router still coming up); the last one is named on timeout */
  retryErrors?: boolean;
  /** ends the wait at once with the message it returns */
  abort?: () => string | null;
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw new Error(aborted);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      if (!options.retryErrors) throw e;
      lastError = ` (last error: ${(e as Error).message})`;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError}`);
    await sleep(options.everyMs ?? 1000);
  }
}

/**
 * Starts a self-daemonising program (FRR's `-d`) with no pipes attached: the daemon would otherwise inherit them
 * and keep execFile waiting forever. Resolves with the exit status of the foreground part.
 */
export function runDaemon(argv: string[]): Promise<number> {
  const [file, ...args] = argv;
  if (!file) throw new Error("empty command");
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: "ignore" });
    child.once("error", () => resolve(127));
    child.once("exit", (code) => resolve(code ?? 128));
  });
}
