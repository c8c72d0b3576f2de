import { spawn } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs argv (no shell); injected so drivers can be unit-tested without the router software. */
export type CommandRunner = (
  argv: string[],
  options?: { input?: string; timeoutMs?: number },
) => Promise<CommandResult>;

const MAX_OUTPUT = 8 * 1024 * 1024;

export const runCommand: CommandRunner = (argv, options = {}) =>
  new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    if (!cmd) return reject(new Error("empty command"));
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], timeout: options.timeoutMs ?? 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    child.on("error", reject);
    // NUL never means anything in router output, and the protocol refuses it (PostgreSQL cannot store it)
    child.on("close", (code, signal) =>
      resolve({
        stdout: stdout.replaceAll("\0", ""),
        stderr: stderr.replaceAll("\0", ""),
        exitCode: code ?? (signal ? 128 : 1),
      }),
    );
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });

/** Prefix argv to run inside a network namespace when one is configured. */
export function inNetns(netns: string | undefined, argv: string[]): string[] {
  return netns ? ["ip", "netns", "exec", netns, ...argv] : argv;
}
