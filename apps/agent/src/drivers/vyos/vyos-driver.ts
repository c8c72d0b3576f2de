import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigFile, ShowCommandId, SiteStatus } from "@dmvpn/protocol";
import {
  VYOS_COMMIT_CONFIRM_RELOAD,
  VYOS_COMMIT_REVISIONS,
  vyosDeployCommands,
  vyosSetStatements,
  vyosUpToDate,
} from "@dmvpn/render/vyos-ownership";
import { type CollectOptions, showCommandArgv } from "../../collectors/collect";
import { parsePingOutput } from "../../collectors/ping";
import { collectVyosStatus, vyosCollectOptions } from "../../collectors/vyos-status";
import { ApplyError, type PingOutcome, type RouterDriver, type SavedConfig } from "../driver";
import { type CommandRunner, runCommand } from "../exec";
import {
  applyScript,
  configLines,
  confirmScript,
  prepareScript,
  rollbackScript,
  saveRunningScript,
  showCommandsScript,
  vyosFailure,
} from "./vyos-commands";

/** The command file being applied, and the one last confirmed: what the console set before (see vyos-ownership). */
const PENDING_COMMANDS = "pending.commands.vyos";
const CONFIRMED_COMMANDS = "confirmed.commands.vyos";

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

  /**
   * One commit-confirm session: the stale statements the console owns deleted, then the rendered `set` lines.
   * Content already on the router is not committed again.
   */
  async applyConfig(files: ConfigFile[], options: { confirmWindowSeconds: number }): Promise<void> {
    const rendered = configLines(files).join("\n");
    const running = await this.showConfigurationCommands();
    const previous = await readFile(this.path(CONFIRMED_COMMANDS), "utf8").catch(() => "");
    if (this.o.version === "1.5") await this.reloadWhenUnconfirmed(running);
    await writeFile(this.path(PENDING_COMMANDS), rendered, { mode: 0o600 });
    if (vyosUpToDate(rendered, running, previous)) return;
    const commands = vyosDeployCommands(rendered, running, previous);
    await this.session(
      "apply",
      applyScript(configLines([{ name: "deploy", content: commands.join("\n") }]), options.confirmWindowSeconds),
    );
  }

  /**
   * VyOS 1.5 can revert an unconfirmed commit by reloading the previous revision (vyos-1x T5976); its default,
   * as on 1.4, is a reboot. Set once, in a plain commit, because commit-confirm reads it from the running config.
   */
  private async reloadWhenUnconfirmed(running: string): Promise<void> {
    const have = new Set(
      vyosSetStatements(running).map((s) => s.path.join(" ") + (s.value === undefined ? "" : ` ${s.value}`)),
    );
    if (have.has("system config-management commit-confirm action reload")) return;
    const hasRevisions = [...have].some((s) => s.startsWith("system config-management commit-revisions "));
    await this.session(
      "prepare",
      prepareScript([VYOS_COMMIT_CONFIRM_RELOAD, ...(hasRevisions ? [] : [VYOS_COMMIT_REVISIONS])]),
    );
  }

  async confirm(): Promise<void> {
    await this.session("confirm", confirmScript());
    await rename(this.path(PENDING_COMMANDS), this.path(CONFIRMED_COMMANDS)).catch(() => {});
  }

  async rollback(saved: SavedConfig): Promise<void> {
    const boot = saved.files.find((f) => f.name === "config.boot");
    if (!boot) throw new ApplyError("saved VyOS config is missing");
    const file = this.path("rollback.config.boot");
    await writeFile(file, boot.content, { mode: 0o600 });
    await this.session("rollback", rollbackScript(file));
    await rm(this.path(PENDING_COMMANDS), { force: true });
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
    if (commandId === "running-config") {
      try {
        return { ok: true, output: await this.showConfigurationCommands() };
      } catch (e) {
        return { ok: false, output: (e as Error).message };
      }
    }
    const r = await this.run(showCommandArgv(this.collect, commandId));
    return { ok: r.exitCode === 0, output: r.stdout + r.stderr };
  }

  /** `show configuration commands`; judged by exit code only, as the user's own values may read like errors. */
  private async showConfigurationCommands(): Promise<string> {
    await mkdir(this.o.stateDir, { recursive: true, mode: 0o700 });
    const file = this.path("show-config.vbash");
    await writeFile(file, showCommandsScript(), { mode: 0o700 });
    const r = await this.run(["vbash", file], { timeoutMs: 60_000 });
    if (r.exitCode !== 0)
      throw new ApplyError(`VyOS show configuration commands failed: ${`${r.stdout}${r.stderr}`.trim()}`);
    return r.stdout;
  }

  /** Runs a vbash script file; "y" on stdin answers commit-confirm's "Proceed?" prompt. */
  private async session(what: string, script: string): Promise<string> {
    await mkdir(this.o.stateDir, { recursive: true, mode: 0o700 });
    const file = this.path(`${what.replaceAll(" ", "-")}.vbash`);
    await writeFile(file, script, { mode: 0o700 });
    const r = await this.run(["vbash", file], { input: "y\n", timeoutMs: 300_000 });
    const output = `${r.stdout}${r.stderr}`;
    const failure = vyosFailure(output);
    if (r.exitCode !== 0 || failure) throw new ApplyError(`VyOS ${what} failed: ${failure ?? output.trim()}`);
    return output;
  }
}
