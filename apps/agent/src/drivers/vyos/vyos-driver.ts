import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigFile, ShowCommandId, SiteStatus } from "@dmvpn/protocol";
import { type CollectOptions, showCommandArgv } from "../../collectors/collect";
import { parsePingOutput } from "../../collectors/ping";
import { collectVyosStatus, vyosCollectOptions } from "../../collectors/vyos-status";
import { ApplyError, type PingOutcome, type RouterDriver, type SavedConfig } from "../driver";
import { type CommandRunner, runCommand } from "../exec";
import {
  applyScript,
  configLines,
  confirmScript,
  rollbackScript,
  saveRunningScript,
  vyosFailure,
} from "./vyos-commands";

export interface VyosDriverOptions {
  version: "1.4" | "1.5";
  tunnelInterface?: string;
  stateDir: string;
  run?: CommandRunner;
}

/**
 * VyOS through configuration sessions (`vbash` + script-template), using VyOS's own commit-confirm as a safety net
 * under the agent's. 1.4 reads NHRP from opennhrp, 1.5 from FRR nhrpd.
 */
export class VyosDriver implements RouterDriver {
  readonly platform: "vyos-1.4" | "vyos-1.5";
  private readonly run: CommandRunner;
  private readonly collect: CollectOptions;

  constructor(private readonly o: VyosDriverOptions) {
    this.platform = o.version === "1.4" ? "vyos-1.4" : "vyos-1.5";
    this.run = o.run ?? runCommand;
    this.collect = vyosCollectOptions(o.version, this.run, o.tunnelInterface ?? "tun0");
  }

  private path(name: string): string {
    return join(this.o.stateDir, name);
  }

  async readRunningConfig(): Promise<SavedConfig> {
    const file = this.path("pre-apply.config.boot");
    await this.session("save running config", saveRunningScript(file));
    return { files: [{ name: "config.boot", content: await readFile(file, "utf8") }] };
  }

  async applyConfig(files: ConfigFile[], options: { confirmWindowSeconds: number }): Promise<void> {
    await this.session("apply", applyScript(configLines(files), options.confirmWindowSeconds));
  }

  async confirm(): Promise<void> {
    await this.session("confirm", confirmScript());
  }

  async rollback(saved: SavedConfig): Promise<void> {
    const boot = saved.files.find((f) => f.name === "config.boot");
    if (!boot) throw new ApplyError("saved VyOS config is missing");
    const file = this.path("rollback.config.boot");
    await writeFile(file, boot.content, { mode: 0o600 });
    await this.session("rollback", rollbackScript(file));
  }

  collectStatus(): Promise<SiteStatus> {
    return collectVyosStatus(this.o.version, this.collect);
  }

  async ping(target: string, source: string | undefined, count: number): Promise<PingOutcome> {
    const argv = ["ping", "-n", "-c", String(count), "-W", "2", ...(source ? ["-I", source] : []), target];
    const r = await this.run(argv, { timeoutMs: (count + 5) * 3000 });
    return parsePingOutput(r.stdout + r.stderr, count);
  }

  async show(commandId: ShowCommandId): Promise<{ ok: boolean; output: string }> {
    const r = await this.run(showCommandArgv(this.collect, commandId));
    return { ok: r.exitCode === 0, output: r.stdout + r.stderr };
  }

  /** Runs a vbash script file; "y" on stdin answers commit-confirm's "Proceed?" prompt. */
  private async session(what: string, script: string): Promise<string> {
    await mkdir(this.o.stateDir, { recursive: true, mode: 0o700 });
    const file = this.path(`${what.replaceAll(" ", "-")}.vbash`);
    await writeFile(file, script, { mode: 0o700 });
    const r = await this.run(["vbash", file], { input: "y\n", timeoutMs: 300_000 });
    const output = `${r.stdout}${r.stderr}`;
    const failure = vyosFailure(output);
    if (r.exitCode !== 0 || failure)
      throw new ApplyError(`VyOS ${what} failed: ${failure ?? output.trim().slice(0, 10_000)}`);
    return output;
  }
}
