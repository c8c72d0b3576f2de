import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { labDir, repoDir } from "../host/paths";
import { ensureLabHost } from "../host/setup";
import { bundleScenario } from "../host/smoke-run";
import { killAllVms, newRunDir, runVm, type VmRunResult } from "../host/vm";
import { sleep, waitFor } from "../vm/exec";
import { QEMU_HOST_ADDRESS } from "../vm/topology";
import { type ConsoleProcess, ensureBuilt, startConsole } from "./console-process";
import { LabApi, type LabSite } from "./lab-api";
import { LAB_NAT, labInventoryYaml, labRouters, labSiteNames } from "./lab-inventory";
import { sendLabRequest } from "./lab-requests";
import { LAB_FILES, type LabRequest, type LabResponse, type LabRouterSpec, type LabVmInput } from "./lab-spec";

const run = promisify(execFile);

/** Builds (about 2.5 min, once; cached under /var/cache/dmvpn) or finds the Debian 13 root of the FRR 10 routers. */
async function ensureDebianRoot(say: (line: string) => void): Promise<string> {
  const t0 = Date.now();
  const { stdout, stderr } = await run(process.execPath, [join(repoDir(), "scripts", "debian-root.mjs")], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 20 * 60_000,
  });
  if (stderr.trim()) say(`[debian root] ${stderr.trim().split("\n").at(-1)}`);
  const root = stdout.trim();
  say(`[debian root] ${root} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return root;
}

export interface ConsoleLab {
  runDir: string;
  console: ConsoleProcess;
  api: LabApi;
  admin: { email: string; password: string };
  /** by name */
  sites: Map<string, LabSite>;
  networkId: string;
  /** the console as the routers reach it */
  routersUrl: string;
  /** resolves when the VM has powered off */
  vm: Promise<VmRunResult>;
  timings: { consoleReadyMs: number; vmReadyMs: number | null; agentsOnlineMs: number };
  /** the routers as the VM built them (which run FRR 10 from the Debian 13 root) */
  routers: LabRouterSpec[];
  /** vtysh in the router as a shell command prefix (the root's, chrooted, for an FRR 10 router) */
  vtysh(router: string): string;
  /** ask the VM to do something only the lab can (stop a router daemon) */
  request(request: LabRequest, timeoutMs?: number): Promise<LabResponse>;
  stop(): Promise<VmRunResult>;
}

export interface ConsoleLabOptions {
  onLine?: (line: string) => void;
  port?: number;
  /** qemu is killed after this long whatever happens */
  vmTimeoutMs?: number;
  statusIntervalSeconds?: number;
}

/**
 * Brings the whole lab up the way an engineer would: the console (production build, fresh SQLite) on the host,
 * the inventory imported with the `dmvpn` command line, a one-time enrollment token per site from the REST API,
 * then the VM, whose routers enroll their agents with those tokens and connect back to the console. Resolves once
 * every agent is online; nothing is deployed yet.
 */
export async function startConsoleLab(options: ConsoleLabOptions = {}): Promise<ConsoleLab> {
  const say = (line: string) => options.onLine?.(line);
  const t0 = Date.now();
  const host = await ensureLabHost((line) => say(`[lab setup] ${line}`));
  const { agentBundle } = await ensureBuilt(say);
  // the frr-linux-10 routers' FRR 10 and strongSwan 6; the VM sees it through the host's / (read-only 9p)
  const frrRoot = await ensureDebianRoot(say);
  const runDir = await newRunDir("console");
  const dataDir = join(runDir, "console-data");
  await mkdir(dataDir, { recursive: true });
  const consoleProcess = await startConsole({ dataDir, port: options.port, onLine: options.onLine });
  const consoleReadyMs = Date.now() - t0;
  let vm: Promise<VmRunResult> | null = null;
  try {
    const { api, email, password } = await LabApi.bootstrap(consoleProcess.url);
    say(`console on ${consoleProcess.url}; admin ${email}`);

    const inventoryFile = join(runDir, "inventory.yaml");
    await writeFile(inventoryFile, labInventoryYaml());
    const cli = await run(
      process.execPath,
      [join(repoDir(), "apps", "cli", "bin", "dmvpn.js"), "inventory", "import", inventoryFile],
      { cwd: repoDir(), env: { ...process.env, DMVPN_CONSOLE: consoleProcess.url, DMVPN_TOKEN: api.bearer } },
    );
    say(`dmvpn inventory import: ${cli.stdout.trim().split("\n").at(-1)}`);

    const sites = new Map((await api.sites()).map((s) => [s.name, s]));
    const networkId = [...sites.values()][0]?.networkId;
    if (!networkId) throw new Error("the import created no sites");
    const routersUrl = `http://${QEMU_HOST_ADDRESS}:${consoleProcess.port}`;
    const tokens: Record<string, string> = {};
    for (const name of labSiteNames) {
      const s = sites.get(name);
      if (!s) throw new Error(`site ${name} is missing after the import`);
      tokens[name] = await api.enrollmentToken(s.id, routersUrl);
    }
    const input: LabVmInput = {
      consoleUrl: routersUrl,
      agentBundle,
      statusIntervalSeconds: options.statusIntervalSeconds ?? 4,
      registrationGraceSeconds: 20,
      routers: labRouters(frrRoot),
      nats: [LAB_NAT],
    };
    await writeFile(join(runDir, LAB_FILES.input), JSON.stringify(input, null, 2));
    await writeFile(join(runDir, LAB_FILES.tokens), JSON.stringify(tokens), { mode: 0o600 });
    await mkdir(join(runDir, LAB_FILES.requests), { recursive: true });
    await mkdir(join(runDir, LAB_FILES.captures), { recursive: true });

    const bundle = await bundleScenario(join(labDir(), "src", "console", "vm-main.ts"), runDir);
    const vmStarted = Date.now();
    vm = runVm(
      {
        host,
        job: `cd ${repoDir()} && exec node /run/lab/${bundle} /run/lab`,
        timeoutMs: options.vmTimeoutMs ?? 50 * 60_000,
        memoryMb: 2048,
        onLine: options.onLine,
      },
      runDir,
    );
    let vmExited = false;
    void vm.then(() => {
      vmExited = true;
    });
    await waitFor(
      "every agent to connect to the console",
      15 * 60_000,
      async () => {
        for (const s of sites.values()) if (!(await api.agentConnected(s.id))) return undefined;
        return true;
      },
      {
        retryErrors: true,
        abort: () => (vmExited ? `the VM stopped before every agent connected; see the VM's output above` : null),
      },
    );
    const ready = await readFile(join(runDir, LAB_FILES.ready), "utf8").then(
      (t) => JSON.parse(t) as { readyAfterMs: number },
      () => null,
    );

    const request = (req: LabRequest, timeoutMs?: number) => sendLabRequest(runDir, req, timeoutMs);
    const vmPromise = vm;
    return {
      runDir,
      console: consoleProcess,
      api,
      admin: { email, password },
      sites,
      networkId,
      routersUrl,
      vm: vmPromise,
      timings: {
        consoleReadyMs,
        vmReadyMs: ready ? ready.readyAfterMs : null,
        agentsOnlineMs: Date.now() - vmStarted,
      },
      request,
      routers: input.routers,
      vtysh(router: string) {
        const root = input.routers.find((r) => r.name === router)?.frrRoot;
        return `${root ? `chroot ${root} ` : ""}vtysh -N ${router}`;
      },
      async stop() {
        if (!vmExited) await request({ action: "shutdown" }, 60_000).catch(() => undefined);
        const result = await Promise.race([vmPromise, sleep(90_000).then(() => null)]);
        if (!result) killAllVms();
        await consoleProcess.stop();
        return result ?? (await vmPromise);
      },
    };
  } catch (e) {
    await consoleProcess.stop();
    if (vm) {
      // the VM's own timeout would end it; do not leave a CPU spinning for that long
      killAllVms();
      await vm;
    }
    throw e;
  }
}
