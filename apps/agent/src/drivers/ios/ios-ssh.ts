import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { maskSecrets } from "@dmvpn/render/secret-lines";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { ApplyError } from "../driver";
import type { IosSshTarget } from "./ios-target";

/** The fingerprint `ssh-keygen -l` prints: SHA-256 of the key blob, base64 without padding. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

export class HostKeyMismatchError extends Error {}

/** A prompt on the last line: `R1#`, `R1(config)#`, `R1(config-if)#`, or `R1>` (user EXEC). */
const PROMPT = /(?:^|\n)([A-Za-z0-9][\w.-]*)(\([\w-]+\))?([#>]) ?$/;
/**
 * IOS CLI errors: `% Invalid input detected…`, `% Incomplete command.`, `% Ambiguous command…` and the command's own
 * `% …` refusals. Syslog lines (`%SYS-5-…`, no space) and `% Warning…` are not failures.
 */
const ERROR_LINE = /^% (?!Warning)\S.*$/m;

export interface IosCommandResult {
  output: string;
  /** the first error line, when the router refused the command */
  error: string | null;
  mode: string;
}

async function authOf(target: IosSshTarget): Promise<Pick<ConnectConfig, "privateKey" | "password">> {
  if (target.privateKeyFile) {
    try {
      return { privateKey: await readFile(target.privateKeyFile) };
    } catch (e) {
      throw new ApplyError(`cannot read the SSH key ${target.privateKeyFile}: ${(e as NodeJS.ErrnoException).code}`);
    }
  }
  const name = target.passwordEnv as string;
  const password = process.env[name];
  if (!password) throw new ApplyError(`the SSH password variable ${name} is not set in the agent's environment`);
  return { password };
}

/**
 * Connects and returns the host key's fingerprint without checking it: enrolment's trust-on-first-use, or the
 * operator's check of a fingerprint they were given. Authentication is not attempted.
 */
export function probeHostKey(host: string, port: number, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: string | null = null;
    client.on("error", (e) => {
      if (seen) resolve(seen);
      else reject(new Error(`cannot reach ${host}:${port} over SSH: ${e.message}`));
    });
    client.connect({
      host,
      port,
      username: "dmvpn-agent-probe",
      readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        seen = sshFingerprint(key);
        resolve(seen);
        // refuse, so no authentication is attempted with a made-up user
        return false;
      },
    });
    client.on("close", () => client.end());
  });
}

/**
 * One interactive shell on an IOS router: IOS does not run exec-channel commands reliably, so the agent types
 * commands as a person would, waits for the prompt, and strips the echoed command from what the router printed.
 */
export class IosShell {
  private buffer = "";
  private waiter: (() => void) | null = null;
  private closed: Error | null = null;
  private hostname = "";
  mode = "";

  private constructor(
    private readonly client: Client,
    private readonly stream: ClientChannel,
    private readonly timeoutMs: number,
  ) {
    stream.on("data", (d: Buffer) => this.push(d.toString("utf8")));
    stream.stderr.on("data", (d: Buffer) => this.push(d.toString("utf8")));
    stream.on("close", () => {
      this.closed = new ApplyError("the router closed the SSH session");
      this.waiter?.();
    });
  }

  static async open(target: IosSshTarget, options: { timeoutMs?: number } = {}): Promise<IosShell> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const auth = await authOf(target);
    const client = new Client();
    let mismatch: string | null = null;
    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => resolve());
      client.once("error", (e) => {
        if (mismatch) reject(new HostKeyMismatchError(mismatch));
        // ssh2's messages name the failing step (auth methods, timeout, refused); none carries the secret
        else reject(new ApplyError(`SSH to ${target.host}:${target.port} failed: ${e.message}`));
      });
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        ...auth,
        readyTimeout: timeoutMs,
        keepaliveInterval: 10_000,
        hostVerifier: (key: Buffer) => {
          const got = sshFingerprint(key);
          if (got === target.hostKeySha256) return true;
          mismatch =
            `the SSH host key of ${target.host}:${target.port} is ${got}, but ${target.hostKeySha256} was pinned at ` +
            "enrolment: refusing to connect (if the router's key was changed on purpose, enrol again with the new " +
            "fingerprint)";
          return false;
        },
      });
    });
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      // wide, so IOS wraps no command line (which would break echo stripping)
      client.shell({ term: "vt100", cols: 511, rows: 24 }, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const shell = new IosShell(client, stream, timeoutMs);
    try {
      await shell.waitForPrompt();
      if (shell.mode === ">")
        throw new ApplyError(
          `${target.username} lands in user EXEC mode (>) on ${target.host}: the agent needs privilege level 15`,
        );
      for (const c of ["terminal length 0", "terminal width 0"]) {
        const r = await shell.command(c);
        if (r.error) throw new ApplyError(`${c} failed: ${r.error}`);
      }
    } catch (e) {
      shell.close();
      throw e;
    }
    return shell;
  }

  private push(text: string): void {
    this.buffer += text.replace(/\r/g, "");
    this.waiter?.();
  }

  /** Waits until the buffer ends with a prompt; returns what came before it. */
  private async waitForPrompt(): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const m = PROMPT.exec(this.buffer);
      if (m && (!this.hostname || m[1] === this.hostname)) {
        this.hostname = m[1] as string;
        this.mode = `${m[2] ?? ""}${m[3]}`;
        const before = this.buffer.slice(0, m.index);
        this.buffer = "";
        return before;
      }
      if (this.closed) throw this.closed;
      const left = deadline - Date.now();
      if (left <= 0) throw new ApplyError(`no prompt from the router within ${this.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** Types one command and returns its output without the echo; `error` is the router's error text, if any. */
  async command(line: string): Promise<IosCommandResult> {
    if (this.closed) throw this.closed;
    this.stream.write(`${line}\r`);
    const raw = await this.waitForPrompt();
    const lines = raw.split("\n");
    if (lines[0]?.trim() === line.trim()) lines.shift();
    const output = lines.join("\n").replace(/\n+$/, "");
    const err = ERROR_LINE.exec(output);
    // the router quotes the refused line above its `^` marker: secrets in it are masked before the text travels on
    return { output, error: err ? maskSecrets(`${line.trim()}\n${output}`).trim() : null, mode: this.mode };
  }

  close(): void {
    this.stream.end();
    this.client.end();
  }
}

/** Opens a shell, runs `fn`, and always closes the session. */
export async function withIosShell<T>(target: IosSshTarget, fn: (shell: IosShell) => Promise<T>): Promise<T> {
  const shell = await IosShell.open(target);
  try {
    return await fn(shell);
  } finally {
    shell.close();
  }
}
