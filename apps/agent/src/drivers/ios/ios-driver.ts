import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigFile, ShowCommandId, SiteStatus } from "@dmvpn/protocol";
import { TUNNEL_INTERFACE } from "@dmvpn/render/naming";
import { SECRET_MASK, secretValues } from "@dmvpn/render/secret-lines";
import { buildIosStatus, IOS_STATUS_COMMANDS, type IosStatusOutputs } from "../../collectors/ios-status";
import { ApplyError, type PingOutcome, type RouterDriver, type SavedConfig } from "../driver";
import { archivePath, iosDeployPlan } from "./ios-ownership";
import { type IosShell, withIosShell } from "./ios-ssh";
import type { IosSshTarget } from "./ios-target";

/** The rendered config being applied, and the one last confirmed: what the console set before (see ios-ownership). */
const PENDING = "pending.config.ios";
const CONFIRMED = "confirmed.config.ios";
/** Present while the router's revert timer runs for a change of ours; survives an agent restart. */
const ARMED = "revert-armed";

export const IOS_SHOW_COMMANDS: Record<ShowCommandId, (tunnel: string) => string> = {
  "nhrp-cache": () => "show ip nhrp",
  "nhrp-nhs": () => "show ip nhrp nhs detail",
  "nhrp-shortcut": () => "show ip nhrp shortcut",
  dmvpn: () => IOS_STATUS_COMMANDS.dmvpn,
  "bgp-summary": () => IOS_STATUS_COMMANDS.bgp,
  "ipsec-sas": () => "show crypto ipsec sa",
  "tunnel-interface": (tunnel) => `show interfaces ${tunnel}`,
  "nhrp-routes": () => "show ip route nhrp",
  "running-config": () => "show running-config",
};

export interface IosDriverOptions {
  ssh: IosSshTarget;
  tunnelInterface?: string;
  stateDir: string;
  now?: () => Date;
}

/**
 * Cisco IOS / IOS-XE from a proxy agent over SSH. A change runs under the router's own safety net,
 * `configure terminal revert timer N` (which needs `archive` with a `path`): if the agent dies or loses the router,
 * IOS reverts by itself. The agent's rollback is `configure revert now`; its confirm is `configure confirm`, then
 * `write memory`, so the startup config only ever holds confirmed changes.
 */
export class IosDriver implements RouterDriver {
  readonly platform = "cisco-ios" as const;
  private readonly tunnel: string;

  constructor(private readonly o: IosDriverOptions) {
    this.tunnel = o.tunnelInterface ?? TUNNEL_INTERFACE.ios;
  }

  private path(name: string): string {
    return join(this.o.stateDir, name);
  }

  private session<T>(fn: (shell: IosShell) => Promise<T>): Promise<T> {
    return withIosShell(this.o.ssh, fn);
  }

  async readRunningConfig(): Promise<SavedConfig> {
    const running = await this.session((s) => showRunning(s));
    return { files: [{ name: "running-config.ios", content: running }] };
  }

  async applyConfig(files: ConfigFile[], options: { confirmWindowSeconds: number }): Promise<void> {
    const file = files.find((f) => f.name.endsWith(".ios")) ?? files[0];
    if (!file) throw new ApplyError("the deployment carries no IOS config");
    const previous = await readFile(this.path(CONFIRMED), "utf8").catch(() => "");
    await mkdir(this.o.stateDir, { recursive: true, mode: 0o700 });
    await writeFile(this.path(PENDING), file.content, { mode: 0o600 });
    await this.session(async (s) => {
      const running = await showRunning(s);
      if (!archivePath(running))
        throw new ApplyError(
          "the router has no configuration archive, which `configure terminal revert timer` needs: configure " +
            "`archive` with a `path` (e.g. `archive` / ` path flash:dmvpn-archive`) once, then deploy again",
        );
      const plan = iosDeployPlan(file.content, running, previous);
      if (!plan.changes) return;
      // IOS counts in minutes; rounded up and one more, so the agent's own timer always acts first
      const minutes = Math.min(120, Math.ceil(options.confirmWindowSeconds / 60) + 1);
      await writeFile(this.path(ARMED), "", { mode: 0o600 });
      const enter = await s.command(`configure terminal revert timer ${minutes}`);
      if (enter.error || !enter.mode.startsWith("(config")) {
        await rm(this.path(ARMED), { force: true });
        throw new ApplyError(`IOS refused the revert timer: ${enter.error ?? enter.output}`);
      }
      for (const line of plan.commands) {
        const r = await s.command(line.trim());
        if (r.error) {
          await s.command("end");
          throw new ApplyError(`IOS refused a line of the config:\n${maskValues(r.error, file.content)}`);
        }
      }
      await s.command("end");
    });
  }

  async confirm(): Promise<void> {
    const armed = await readFile(this.path(ARMED)).then(
      () => true,
      () => false,
    );
    if (armed) {
      await this.session(async (s) => {
        await exec(s, "configure confirm");
        await exec(s, "write memory");
      });
      await rm(this.path(ARMED), { force: true });
    }
    const pending = await readFile(this.path(PENDING), "utf8").catch(() => null);
    if (pending !== null) {
      await writeFile(this.path(CONFIRMED), pending, { mode: 0o600 });
      await rm(this.path(PENDING), { force: true });
    }
  }

  /**
   * `configure revert now` while our change is pending. When IOS already reverted on its own timer (the agent was
   * away longer than the timer) the router's config is compared with the saved one instead.
   */
  async rollback(saved: SavedConfig): Promise<void> {
    const before = saved.files[0]?.content;
    if (before === undefined) throw new ApplyError("the saved IOS config is missing");
    const armed = await readFile(this.path(ARMED)).then(
      () => true,
      () => false,
    );
    await rm(this.path(PENDING), { force: true });
    if (!armed) return;
    await this.session(async (s) => {
      const r = await s.command("configure revert now");
      if (r.error) {
        const running = await showRunning(s);
        if (iosDeployPlan(before, running, before).changes)
          throw new ApplyError(`configure revert now failed and the router does not run the saved config: ${r.error}`);
      }
    });
    await rm(this.path(ARMED), { force: true });
  }

  async collectStatus(): Promise<SiteStatus> {
    const outputs = await this.session(async (s) => {
      const out: Record<string, string> = {};
      for (const [k, command] of Object.entries(IOS_STATUS_COMMANDS)) out[k] = (await s.command(command)).output;
      return out as IosStatusOutputs;
    });
    return buildIosStatus(outputs, { tunnelInterface: this.tunnel, now: this.o.now?.() ?? new Date() });
  }

  async ping(target: string, source: string | undefined, count: number): Promise<PingOutcome> {
    const output = await this.session(
      async (s) => (await s.command(`ping ${target} repeat ${count}${source ? ` source ${source}` : ""}`)).output,
    );
    // IOS summary line: "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/2/4 ms"
    const m = /Success rate is \d+ percent \((\d+)\/(\d+)\)(?:, round-trip min\/avg\/max = [\d.]+\/([\d.]+)\/)?/.exec(
      output,
    );
    if (!m) return { sent: count, received: 0, rttAvgMs: null, output };
    return { sent: Number(m[2]), received: Number(m[1]), rttAvgMs: m[3] ? Number(m[3]) : null, output };
  }

  async show(commandId: ShowCommandId): Promise<{ ok: boolean; output: string }> {
    try {
      const r = await this.session((s) => s.command(IOS_SHOW_COMMANDS[commandId](this.tunnel)));
      return { ok: r.error === null, output: r.error ?? r.output };
    } catch (e) {
      return { ok: false, output: (e as Error).message };
    }
  }
}

/** The router quotes the refused line: every secret the config carries is masked wherever it appears. */
function maskValues(text: string, config: string): string {
  let out = text;
  for (const v of secretValues(config).sort((a, b) => b.length - a.length)) if (v) out = out.replaceAll(v, SECRET_MASK);
  return out;
}

async function exec(s: IosShell, command: string): Promise<string> {
  const r = await s.command(command);
  if (r.error) throw new ApplyError(`${command} failed: ${r.error}`);
  return r.output;
}

function showRunning(s: IosShell): Promise<string> {
  return exec(s, "show running-config");
}
