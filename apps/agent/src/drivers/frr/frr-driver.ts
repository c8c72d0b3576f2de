import { access, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigFile, ShowCommandId, SiteStatus } from "@dmvpn/protocol";
import { type CollectOptions, collectRouterStatus, showCommandArgv, swanctlArgv } from "../../collectors/collect";
import { parsePingOutput } from "../../collectors/ping";
import { type Logger, silentLogger, timedStep } from "../../log";
import { ApplyError, type PingOutcome, type RouterDriver, type SavedConfig } from "../driver";
import { type CommandRunner, inNetns, runCommand } from "../exec";
import { onlyRepeatedNhrpEntries, parseReloadTest, reloadErrors, remainingDiff } from "./frr-reload";

export interface FrrDriverOptions {
  netns?: string;
  vtyshArgs?: string[];
  /**
   * FRR and strongSwan installed under this root (e.g. a newer distribution's, as the lab runs FRR 10 beside the
   * host's 8.4): vtysh, frr-reload.py and swanctl run `chroot ROOT …`; gre.sh, iptables.sh, ip and ping stay on the
   * host (they only need the kernel). The files handed to those tools (the state directory and the swanctl.conf
   * path) must be visible at the same paths inside the root, e.g. bind-mounted.
   */
  frrRoot?: string;
  tunnelInterface?: string;
  /** where applied files are kept (for rollback and for running the scripts) */
  stateDir: string;
  /** where swanctl.conf is written; default the drop-in /etc/swanctl/conf.d/dmvpn-agent.conf */
  swanctlConfPath?: string;
  /**
   * Load that file alone (`swanctl --load-all --file PATH`) instead of the system's swanctl.conf that includes the
   * drop-in: for a charon of the agent's own, as in the lab, where one charon runs per router namespace.
   */
  swanctlLoadAlone?: boolean;
  /** extra swanctl arguments, e.g. ["--uri", "unix:///run/charon-hub1.vici"] for a charon of its own */
  swanctlArgs?: string[];
  frrReload?: string;
  run?: CommandRunner;
  /** each apply step is logged with its duration */
  log?: Logger;
}

const KNOWN_FILES = ["gre.sh", "iptables.sh", "swanctl.conf", "frr.conf"] as const;

/**
 * Plain Linux with iproute2 + FRR (+ strongSwan). frr.conf goes through FRR's own `frr-reload.py`: it diffs against
 * the running config and removes stale lines, which `vtysh -f` (additive only) cannot do; `vtysh --dryrun -f` checks
 * the file first so a syntax error fails before anything changes.
 */
export class FrrDriver implements RouterDriver {
  readonly platform = "frr-linux" as const;
  private readonly run: CommandRunner;
  private readonly collect: CollectOptions;
  private readonly dir: string;
  private readonly log: Logger;

  constructor(private readonly o: FrrDriverOptions) {
    this.run = o.run ?? runCommand;
    this.log = o.log ?? silentLogger;
    this.dir = join(o.stateDir, "frr-files");
    this.collect = {
      run: this.run,
      vtysh: inNetns(o.netns, inRoot(o.frrRoot, ["vtysh", ...(o.vtyshArgs ?? [])])),
      wrap: (argv) => inNetns(o.netns, argv),
      tunnelInterface: o.tunnelInterface ?? "gre1",
      nhrp: "frr",
      // only a deployment that carried a swanctl.conf (IPsec on) left one here
      ipsecConfigured: () => this.ipsecConfigured(),
      swanctlArgs: o.swanctlArgs,
      swanctl: inRoot(o.frrRoot, ["swanctl"]),
    };
  }

  private get pathspace(): string | undefined {
    const args = this.o.vtyshArgs ?? [];
    const i = args.indexOf("-N");
    return i >= 0 ? args[i + 1] : undefined;
  }

  async readRunningConfig(): Promise<SavedConfig> {
    const files: ConfigFile[] = [];
    for (const name of KNOWN_FILES) {
      if (name === "frr.conf") continue;
      const content = await readFile(join(this.dir, name), "utf8").catch(() => null);
      if (content !== null) files.push({ name, content });
    }
    const r = await this.run([...this.collect.vtysh, "-c", "show running-config"]);
    if (r.exitCode !== 0) throw new Error(`cannot read the running FRR config: ${(r.stderr || r.stdout).trim()}`);
    files.push({ name: "frr.conf", content: stripRunningHeader(r.stdout) });
    return { files };
  }

  async applyConfig(files: ConfigFile[]): Promise<void> {
    const unknown = files.filter((f) => !(KNOWN_FILES as readonly string[]).includes(f.name));
    if (unknown.length)
      throw new ApplyError(`unknown file(s) for the frr target: ${unknown.map((f) => f.name).join(", ")}`);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const byName = new Map(files.map((f) => [f.name, f.content]));
    const frrConf = byName.get("frr.conf");
    const frrPath = join(this.dir, "frr.conf.candidate");
    const step = <T>(name: string, fn: () => Promise<T>) => timedStep(this.log, `frr ${name}`, {}, fn);
    if (frrConf !== undefined) {
      await step("write frr.conf candidate", () => writeFile(frrPath, frrConf, { mode: 0o600 }));
      await step("vtysh --dryrun", () => this.check([...this.collect.vtysh, "--dryrun", "-f", frrPath], "frr.conf"));
    }
    for (const name of ["gre.sh", "iptables.sh"] as const) {
      const script = byName.get(name);
      if (script === undefined) continue;
      await step(`write ${name}`, () => writeFile(join(this.dir, name), script, { mode: 0o700 }));
      await step(name, () => this.runScript(name));
    }
    const swanctl = byName.get("swanctl.conf");
    if (swanctl !== undefined) {
      await step("write swanctl.conf", async () => {
        await writeFile(this.swanctlDropIn, swanctl, { mode: 0o600 });
        await writeFile(join(this.dir, "swanctl.conf"), swanctl, { mode: 0o600 });
      });
      await step("swanctl --load-all", () => this.check(this.swanctlLoadAll(), "swanctl.conf"));
    } else if (frrConf !== undefined && (await this.ipsecConfigured())) {
      // A whole config without swanctl.conf: IPsec was turned off. Drop ours, and --load-all unloads what is gone.
      // A file of our own cannot be loaded once deleted: load an empty one, which unloads everything we had.
      if (this.o.swanctlLoadAlone) await writeFile(this.swanctlDropIn, "", { mode: 0o600 });
      else await rm(this.swanctlDropIn, { force: true });
      await rm(join(this.dir, "swanctl.conf"), { force: true });
      await step("swanctl --load-all (removing IPsec)", () =>
        this.check(this.swanctlLoadAll(), "swanctl.conf (removing IPsec)"),
      );
    }
    if (frrConf !== undefined) {
      await this.reloadFrr(frrPath);
      // FRR 8.4 rewrites the GRE device when `tunnel source` changes (its link, and it drops the key and TTL), and
      // does not put it back when the source changes back, as the lab showed: run gre.sh again after FRR, so the
      // kernel's tunnel is the one the console rendered.
      if (byName.has("gre.sh")) await step("gre.sh after the reload", () => this.runScript("gre.sh"));
    }
  }

  /** frr-reload.py, judged by what still differs afterwards (see frr-reload.ts for why). */
  private async reloadFrr(candidate: string): Promise<void> {
    const reload = (mode: "--reload" | "--test") =>
      this.run(
        inNetns(
          this.o.netns,
          inRoot(this.o.frrRoot, [
            this.o.frrReload ?? "/usr/lib/frr/frr-reload.py",
            mode,
            "--stdout",
            ...(this.pathspace ? ["--pathspace", this.pathspace] : []),
            candidate,
          ]),
        ),
        { timeoutMs: 300_000 },
      );
    const applied = await timedStep(this.log, "frr frr-reload.py --reload", {}, () => reload("--reload"));
    this.log("info", "frr frr-reload.py --reload exit status", { exitCode: applied.exitCode });
    if (applied.exitCode === 0) return;
    if (onlyRepeatedNhrpEntries(applied.stdout + applied.stderr)) {
      this.log("info", "frr frr-reload.py failed only on NHRP entries it had added itself: applied");
      return;
    }
    const test = await timedStep(this.log, "frr frr-reload.py --test", {}, () => reload("--test"));
    const left = remainingDiff(parseReloadTest(test.stdout));
    if (test.exitCode === 0 && left.toAdd.length === 0 && left.toDelete.length === 0) return;
    const pending = [...left.toDelete.map((l) => `- ${l}`), ...left.toAdd.map((l) => `+ ${l}`)];
    throw new ApplyError(
      `frr.conf: frr-reload.py exited ${applied.exitCode}: ${reloadErrors(applied.stdout + applied.stderr)}` +
        (pending.length ? `\nstill different from the new config:\n${pending.slice(0, 40).join("\n")}` : ""),
    );
  }

  async rollback(saved: SavedConfig): Promise<void> {
    await this.applyConfig(saved.files);
  }

  collectStatus(): Promise<SiteStatus> {
    return collectRouterStatus(this.collect);
  }

  async ping(target: string, source: string | undefined, count: number): Promise<PingOutcome> {
    const argv = ["ping", "-n", "-c", String(count), "-W", "2", ...(source ? ["-I", source] : []), target];
    const r = await this.run(inNetns(this.o.netns, argv), { timeoutMs: (count + 5) * 3000 });
    return parsePingOutput(r.stdout + r.stderr, count);
  }

  async show(commandId: ShowCommandId): Promise<{ ok: boolean; output: string }> {
    const r = await this.run(showCommandArgv(this.collect, commandId));
    const output = r.stdout + r.stderr;
    return { ok: r.exitCode === 0 || /% No entries/.test(output), output };
  }

  private swanctlLoadAll(): string[] {
    const file = this.o.swanctlLoadAlone ? ["--file", this.swanctlDropIn] : [];
    return swanctlArgv(this.collect, ["--load-all", ...file]);
  }

  private get swanctlDropIn(): string {
    return this.o.swanctlConfPath ?? "/etc/swanctl/conf.d/dmvpn-agent.conf";
  }

  /** An applied script, from the state directory, inside the router's namespace. */
  private runScript(name: "gre.sh" | "iptables.sh"): Promise<void> {
    return this.check(inNetns(this.o.netns, ["sh", "-e", join(this.dir, name)]), name);
  }

  /** Only a deployment that carried a swanctl.conf (IPsec on) leaves a copy in the state directory. */
  private ipsecConfigured(): Promise<boolean> {
    return access(join(this.dir, "swanctl.conf")).then(
      () => true,
      () => false,
    );
  }

  private async check(argv: string[], what: string): Promise<void> {
    const r = await this.run(argv, { timeoutMs: 120_000 });
    if (r.exitCode !== 0) {
      throw new ApplyError(`${what}: ${argv[0]} exited ${r.exitCode}: ${(r.stderr + r.stdout).trim().slice(-4000)}`);
    }
  }
}

/** Prefix argv to run a tool installed under another root (see FrrDriverOptions.frrRoot). */
export function inRoot(root: string | undefined, argv: string[]): string[] {
  return root ? ["chroot", root, ...argv] : argv;
}

/** `show running-config` starts with "Building configuration..." / "Current configuration:" which are not config. */
export function stripRunningHeader(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/^(Building configuration\.\.\.|Current configuration:)\s*$/.test(l))
    .join("\n");
}
