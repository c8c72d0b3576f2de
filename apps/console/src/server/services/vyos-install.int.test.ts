// A VyOS site onboarded end to end: the console's real routes serve the real install script and the real single
// executable; the install command shown in the console runs in a VyOS-shaped root (a chroot in a private mount
// namespace: the host's /usr, /etc (read-only), /dev and /proc, plus its own /config, /opt/vyatta script-template,
// /run and /var/log, and recording stand-ins for systemctl, sudo and vbash). The stand-in systemctl starts the
// unit's ExecStart the way systemd would (clean environment), so the agent really enrols, connects and shows online.
// Then the console deploys the site through its real deployment runner, and the stand-in vbash, a small config
// store, records the agent's configuration sessions: delete+set under commit-confirm, then confirm and save.
import { execFile, execFileSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { PrismaClient } from "@dmvpn/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { until } from "../../../test/until";
import { GET as agentFile } from "../../app/agent/[file]/route";
import { POST as enrollRoute } from "../../app/api/agent/enroll/route";
import { GET as installScript } from "../../app/api/agent/install.sh/route";
import { type ConsoleEvent, createInMemoryBus } from "../bus";
import { type AgentServices, attachAgentUpgrades, startAgentServices } from "../gateway";
import { setRuntime } from "../runtime";

const AGENT_DIR = join(import.meta.dirname, "../../../../agent");
/** What real FRR 8.4.4 nhrpd/bgpd printed on a registered spoke in the lab (apps/lab/README.md, "captures"). */
const REGISTERED_SPOKE_CAPTURES = join(import.meta.dirname, "../../../../lab/captures/frr-8.4.4/registered/spoke1");
const SERVICE_PID = "run/dmvpn-agent.service.pid";
const VBASH_STANDIN = join(import.meta.dirname, "../../../test/vyos-vbash.mjs");
/** Part of a fresh VyOS image's config (vyos-1x data/config.boot.default), as `show configuration commands` prints it. */
const VYOS_DEFAULT_CONFIG = [
  "set interfaces loopback lo",
  "set system config-management commit-revisions '100'",
  "set system host-name 'vyos'",
];
// VyOS's stock post-config script (what a fresh VyOS 1.4/1.5 image has before anyone edits it)
const STOCK_BOOT_SCRIPT =
  "#!/bin/sh\n# This script is executed at boot time after VyOS configuration is fully applied.\n" +
  "# Any modifications required to work around unfixed bugs\n" +
  "# or use services not available through the VyOS CLI system can be placed here.\n";

let db: PrismaClient;
let cleanupDb: () => Promise<void>;
let api: Awaited<ReturnType<Awaited<ReturnType<typeof signedInAdmin>>["api"]>>;
const bus = createInMemoryBus();
const events: ConsoleEvent[] = [];
bus.subscribe((e) => void events.push(e));
let services: AgentServices;
let server: Server;
let origin = "";
let dir: string;
let root: string;
let hubId: string;

async function toRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const body = req.method === "POST" ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? "/", `http://${req.headers.host}`), { method: req.method, headers, body });
}

async function send(res: ServerResponse, response: Response) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void res.end();
  Readable.fromWeb(response.body as never).pipe(res);
}

/** The console's agent-facing routes, as Next serves them, plus the agents' WebSocket. */
async function startConsole() {
  services = await startAgentServices({ db, bus, heartbeatSeconds: 1, connectWaitMs: 10_000, log: () => {} });
  setRuntime({ db, bus, gateway: services.gateway, deployments: services.deployments });
  server = createServer((req, res) => {
    void (async () => {
      const request = await toRequest(req);
      const path = new URL(request.url).pathname;
      const file = /^\/agent\/([^/]+)$/.exec(path)?.[1];
      if (path === "/api/agent/install.sh" && req.method === "GET") await send(res, installScript(request));
      else if (path === "/api/agent/enroll" && req.method === "POST") await send(res, await enrollRoute(request));
      else if (file && req.method === "GET")
        await send(res, await agentFile(request, { params: Promise.resolve({ file }) }));
      else res.writeHead(404).end();
    })().catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  attachAgentUpgrades(server, services.gateway);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function write(path: string, content: string, mode = 0o644) {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
}

/** The VyOS-shaped root: plain directories, so nothing the installer writes can reach the host. */
function makeVyosRoot(at: string) {
  for (const d of ["usr", "etc", "dev", "proc", "tmp", "root", "run/systemd/system", "var/log"])
    mkdirSync(join(at, d), { recursive: true });
  chmodSync(join(at, "tmp"), 0o1777);
  for (const link of ["bin", "sbin", "lib", "lib64"]) symlinkSync(`usr/${link}`, join(at, link));
  write(join(at, "config/scripts/vyos-postconfig-bootup.script"), STOCK_BOOT_SCRIPT, 0o755);
  write(join(at, "opt/vyatta/etc/functions/script-template"), "# stand-in for VyOS's configuration-session setup\n");
  // vbash: a recording configuration store (apps/console/test/vyos-vbash.mjs says what it models and why that is
  // enough), holding what a fresh VyOS image has under the nodes it touches (vyos-1x data/config.boot.default).
  write(join(at, "fakebin/vbash"), readFileSync(VBASH_STANDIN, "utf8"), 0o755);
  write(join(at, "config/.vbash-standin/active.commands"), `${VYOS_DEFAULT_CONFIG.join("\n")}\n`);
  // The test runs as root already: sudo only has to keep the environment (-E) and run the command.
  write(
    join(at, "fakebin/sudo"),
    '#!/bin/sh\necho "$*" >> /var/log/sudo.calls\n[ "$1" = -E ] && shift\nexec "$@"\n',
    0o755,
  );
  // systemd's part: start/restart runs the unit's ExecStart detached, with a clean environment; the pid file lets
  // restart stop the previous instance.
  write(
    join(at, "fakebin/systemctl"),
    [
      "#!/bin/sh",
      'echo "$*" >> /var/log/systemctl.calls',
      'action=""; unit=""',
      'for a in "$@"; do case "$a" in --*) ;; *.service) unit=$a ;; *) [ -n "$action" ] || action=$a ;; esac; done',
      'case "$action" in start|restart)',
      '  file=/run/systemd/system/$unit; [ -f "$file" ] || file=/etc/systemd/system/$unit',
      '  cmd=$(sed -n "s/^ExecStart=//p" "$file")',
      '  if [ -f "/run/$unit.pid" ]; then kill "$(cat "/run/$unit.pid")" 2>/dev/null || true; fi',
      '  env -i PATH=/fakebin:/usr/sbin:/usr/bin setsid sh -c "exec $cmd" >> "/var/log/$unit.log" 2>&1 < /dev/null &',
      '  echo $! > "/run/$unit.pid" ;;',
      "esac",
      "",
    ].join("\n"),
    0o755,
  );
}

/**
 * Runs `stdin` as a shell script in the VyOS root (so the install command's token is in no argv), and meanwhile
 * records every process's command line on the machine.
 */
async function inVyosRoot(stdin: string): Promise<{ output: string; cmdlines: Set<string> }> {
  const mounts = [
    "set -e",
    'r="$1"',
    'for d in usr etc; do mount --rbind "/$d" "$r/$d"; mount -o remount,bind,ro "$r/$d"; done',
    'mount --rbind /dev "$r/dev"; mount --rbind /proc "$r/proc"',
    'exec chroot "$r" /usr/bin/env -i PATH=/fakebin:/usr/sbin:/usr/bin HOME=/root /bin/sh',
  ].join("\n");
  const unshare = process.getuid?.() === 0 ? ["--mount"] : ["--mount", "--map-root-user"];
  const cmdlines = new Set<string>();
  const scan = () => {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        cmdlines.add(readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " "));
      } catch {} // exited meanwhile
    }
  };
  const timer = setInterval(scan, 10);
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        "unshare",
        [...unshare, "--propagation", "private", "sh", "-c", mounts, "sh", root],
        { timeout: 60_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stdout}${stderr}`)) : resolve(stdout + stderr),
      );
      child.stdin!.end(stdin);
    });
    scan();
    return { output, cmdlines };
  } finally {
    clearInterval(timer);
  }
}

const inRoot = (path: string) => join(root, path);
const agentPid = () => Number(readFileSync(inRoot(SERVICE_PID), "utf8"));

/** Online after `since`: a new connection, not the one before a restart. */
const onlineSince = (since: number, siteId = hubId) =>
  until(
    () => events.some((e, i) => i >= since && e.type === "agent.online" && e.siteId === siteId),
    "the agent to come online",
  );

beforeAll(async () => {
  execFileSync(process.execPath, [join(AGENT_DIR, "scripts", "build.mjs"), "--if-stale"]);
  execFileSync(process.execPath, [join(AGENT_DIR, "scripts", "build-sea.mjs")]);
  ({ db, cleanup: cleanupDb } = await createTestDb());
  api = await (await signedInAdmin(db)).api();
  const { id: networkId } = await api.networks.create({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
  });
  hubId = (
    await api.sites.create({
      networkId,
      site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
    })
  ).id;
  dir = mkdtempSync(join(tmpdir(), "dmvpn-vyos-root-"));
  root = join(dir, "root");
  makeVyosRoot(root);
  await startConsole();
}, 180_000);

afterAll(async () => {
  if (root && existsSync(inRoot(SERVICE_PID))) {
    try {
      process.kill(agentPid(), "SIGKILL");
    } catch {} // already gone
  }
  await services?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await cleanupDb?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("VyOS onboarding with the console's install command", () => {
  let firstToken = "";

  it("installs under /config, enrols, runs under the unit and shows the site online; the token is in no argv or log", async () => {
    const { token, command } = await api.agents.createEnrollment({ siteId: hubId, origin });
    firstToken = token;
    expect(command).toContain("| DMVPN_TOKEN=");
    const since = events.length;
    const { output, cmdlines } = await inVyosRoot(command);
    expect(output).toContain("dmvpn-agent installed in /config/dmvpn-agent");

    const exe = inRoot("config/dmvpn-agent/dmvpn-agent");
    expect(statSync(exe).mode & 0o777).toBe(0o755);
    // Buffer.equals: a deep toEqual over 100 MB takes minutes
    expect(readFileSync(exe).equals(readFileSync(join(AGENT_DIR, "dist", "dmvpn-agent-linux-x64")))).toBe(true);
    const config = readFileSync(inRoot("config/dmvpn-agent/config.json"), "utf8");
    expect(statSync(inRoot("config/dmvpn-agent/config.json")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(config)).toMatchObject({ siteId: hubId, driver: "vyos", driverOptions: { vyosVersion: "1.5" } });

    const unit = readFileSync(inRoot("config/dmvpn-agent/dmvpn-agent.service"), "utf8");
    expect(unit).toContain(
      "\nExecStart=/config/dmvpn-agent/dmvpn-agent run --config /config/dmvpn-agent/config.json\n",
    );
    expect(unit).toContain("\nRestart=always\n");
    expect(readFileSync(inRoot("run/systemd/system/dmvpn-agent.service"), "utf8")).toBe(unit);
    expect(readFileSync(inRoot("var/log/systemctl.calls"), "utf8")).toBe(
      "daemon-reload\nrestart --no-block dmvpn-agent.service\n",
    );
    expect(readFileSync(inRoot("var/log/sudo.calls"), "utf8")).toBe("-E sh\n");
    expect(readFileSync(inRoot("config/scripts/vyos-postconfig-bootup.script"), "utf8")).toBe(
      `${STOCK_BOOT_SCRIPT}/config/dmvpn-agent/start.sh # dmvpn-agent\n`,
    );

    await onlineSince(since);
    const view = await api.status.site({ siteId: hubId });
    expect(view.managed).toBe(true);
    expect(view.agent?.connected).toBe(true);
    // the running agent is the unit's ExecStart, under /config
    expect(readFileSync(`/proc/${agentPid()}/cmdline`, "utf8").split("\0").filter(Boolean)).toEqual([
      "/config/dmvpn-agent/dmvpn-agent",
      "run",
      "--config",
      "/config/dmvpn-agent/config.json",
    ]);

    // The scan saw the enrolment itself, yet the token was in no process's command line.
    expect([...cmdlines].some((c) => c.includes("/config/dmvpn-agent/dmvpn-agent enroll --console"))).toBe(true);
    expect([...cmdlines].filter((c) => c.includes(token))).toEqual([]);
    expect(config).not.toContain(token);
    expect(output).not.toContain(token);
    expect(readFileSync(inRoot("var/log/dmvpn-agent.service.log"), "utf8")).not.toContain(token);
  });

  it("a second install (new token) replaces the agent and leaves one boot-script entry, an old installer's too", async () => {
    const boot = inRoot("config/scripts/vyos-postconfig-bootup.script");
    // the line an earlier installer wrote
    writeFileSync(
      boot,
      `${readFileSync(boot, "utf8")}nohup /config/dmvpn-agent/dmvpn-agent run --config /config/dmvpn-agent/config.json >>/var/log/dmvpn-agent.log 2>&1 &\n`,
    );
    const before = agentPid();
    const { token, command } = await api.agents.createEnrollment({ siteId: hubId, origin });
    const since = events.length;
    const { cmdlines } = await inVyosRoot(command);
    expect(readFileSync(boot, "utf8")).toBe(`${STOCK_BOOT_SCRIPT}/config/dmvpn-agent/start.sh # dmvpn-agent\n`);
    expect(agentPid()).not.toBe(before);
    await onlineSince(since);
    expect((await db.agent.findUniqueOrThrow({ where: { siteId: hubId } })).connected).toBe(true);
    expect([...cmdlines].filter((c) => c.includes(token) || c.includes(firstToken))).toEqual([]);
  });

  it("at boot, the post-config script alone brings the agent back from /config", async () => {
    process.kill(agentPid(), "SIGKILL");
    await until(async () => !(await db.agent.findUniqueOrThrow({ where: { siteId: hubId } })).connected, "offline");
    // a new boot: /run is empty again
    rmSync(inRoot("run/systemd/system/dmvpn-agent.service"));
    rmSync(inRoot(SERVICE_PID));
    const since = events.length;
    await inVyosRoot("/config/scripts/vyos-postconfig-bootup.script\n");
    expect(existsSync(inRoot("run/systemd/system/dmvpn-agent.service"))).toBe(true);
    await onlineSince(since);
    expect((await api.status.site({ siteId: hubId })).agent?.connected).toBe(true);
  });
});

/** Every vbash session the agent ran so far, as the stand-in recorded it: its commands, in order. */
function vbashSessions(): string[][] {
  const file = inRoot("var/log/vbash.sessions");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { commands: string[] }).commands);
}

/** The sessions that change something: reads (`run show configuration commands`) left out. */
const changingSessions = (since: number) =>
  vbashSessions()
    .slice(since)
    .filter((s) => s.some((c) => c === "configure"));

/** The router's active config as the stand-in holds it: what `show configuration commands` prints. */
const activeConfig = () => readFileSync(inRoot("config/.vbash-standin/active.commands"), "utf8").trim().split("\n");

const HEAD = ["source /opt/vyatta/etc/functions/script-template", "configure"];
const NETWORK = "protocols bgp address-family ipv4-unicast network";

const deploymentFinished = (id: string) =>
  until(async () => {
    const d = await db.deployment.findUniqueOrThrow({ where: { id } });
    return d.status === "succeeded" || d.status === "failed";
  }, "the deployment to finish");

async function deployHub(lanPrefixes: string[], platform: "vyos-1.4" | "vyos-1.5" = "vyos-1.5") {
  const site = await api.sites.get({ id: hubId });
  await api.sites.update({
    id: hubId,
    networkId: site.networkId,
    site: {
      name: "hub1",
      role: "hub",
      platform,
      wanInterface: "eth0",
      publicAddress: "203.0.113.1",
      lanPrefixes,
    },
  });
  const { id } = await api.deployments.create({ target: { siteIds: [hubId] }, options: { confirmWindowSeconds: 30 } });
  await deploymentFinished(id);
  return api.deployments.get({ id });
}

describe("deploying the VyOS hub through its agent", () => {
  it("a first deploy: one plain commit sets commit-confirm's reload action, then the set session under commit-confirm, then confirm and save", async () => {
    const since = vbashSessions().length;
    const d = await deployHub(["10.0.0.0/24", "10.0.1.0/24"]);
    expect(d.status).toBe("succeeded");
    expect(d.items.map((i) => [i.site, i.status, i.error])).toEqual([["hub1", "confirmed", null]]);

    const [save, prepare, apply, confirm, ...more] = changingSessions(since);
    expect(more).toEqual([]);
    // the running config saved for the agent's own rollback
    expect(save).toEqual([...HEAD, expect.stringMatching(/^save \/config\/dmvpn-agent\/.+\.config\.boot$/), "exit"]);
    // VyOS 1.5: unconfirmed commits reload the previous revision instead of rebooting (commit-revisions was there)
    expect(prepare).toEqual([
      ...HEAD,
      "set system config-management commit-confirm action 'reload'",
      "commit",
      "save",
      "exit",
    ]);
    // nothing of the console's was on the router yet: no delete; a 30 s window arms VyOS's timer for 2 minutes
    expect(apply!.slice(0, 2)).toEqual(HEAD);
    expect(apply!.slice(-2)).toEqual(["commit-confirm 2", "exit"]);
    const body = apply!.slice(2, -2);
    expect(body.filter((c) => !c.startsWith("set "))).toEqual([]);
    expect(body).toEqual(
      expect.arrayContaining([
        "set interfaces tunnel tun0 source-address '203.0.113.1'",
        `set ${NETWORK} 10.0.0.0/24`,
        `set ${NETWORK} 10.0.1.0/24`,
      ]),
    );
    expect(confirm).toEqual([...HEAD, "confirm", "save", "exit"]);

    // the router now holds the rendered config next to its own, and the console sees no drift
    expect(activeConfig()).toEqual(expect.arrayContaining([...VYOS_DEFAULT_CONFIG, `set ${NETWORK} 10.0.1.0/24`]));
    expect(existsSync(inRoot("config/.vbash-standin/commit-confirm.pending"))).toBe(false);
    expect((await api.deployments.preview({ siteIds: [hubId] }))[0]).toMatchObject({ unchanged: true, drift: "" });
  });

  it("a LAN taken out: the session deletes exactly that network, sets the rest, under commit-confirm, then confirms", async () => {
    const since = vbashSessions().length;
    const before = activeConfig();
    const d = await deployHub(["10.0.0.0/24"]);
    expect(d.items.map((i) => [i.status, i.error])).toEqual([["confirmed", null]]);

    // no second prepare: the reload action is on the router already
    const [save, apply, confirm, ...more] = changingSessions(since);
    expect(more).toEqual([]);
    expect(save![2]).toMatch(/^save /);
    expect(apply!.slice(2).filter((c) => c.startsWith("delete "))).toEqual([`delete ${NETWORK} 10.0.1.0/24`]);
    // deletes first, then the sets
    expect(apply![2]).toBe(`delete ${NETWORK} 10.0.1.0/24`);
    expect(apply!.slice(-2)).toEqual(["commit-confirm 2", "exit"]);
    expect(confirm).toEqual([...HEAD, "confirm", "save", "exit"]);

    expect(activeConfig()).toEqual(before.filter((l) => l !== `set ${NETWORK} 10.0.1.0/24`));
    expect((await api.deployments.preview({ siteIds: [hubId] }))[0]).toMatchObject({ unchanged: true, drift: "" });
  });

  it("the same content again opens no configuration session at all", async () => {
    const since = vbashSessions().length;
    const before = activeConfig();
    const d = await deployHub(["10.0.0.0/24"]);
    expect(d.items.map((i) => i.status)).toEqual(["unchanged"]);
    expect(changingSessions(since)).toEqual([]);
    expect(activeConfig()).toEqual(before);
  });

  it("an agent that lost its state finds the content on the router already: no commit, the confirm is harmless", async () => {
    // the agent's own memory of what it confirmed gone (a reinstall from scratch, a wiped /config/dmvpn-agent/state)
    process.kill(agentPid(), "SIGKILL");
    await until(async () => !(await db.agent.findUniqueOrThrow({ where: { siteId: hubId } })).connected, "offline");
    rmSync(inRoot("config/dmvpn-agent/state"), { recursive: true, force: true });
    const online = events.length;
    await inVyosRoot("/config/scripts/vyos-postconfig-bootup.script\n");
    await onlineSince(online);

    const since = vbashSessions().length;
    const before = activeConfig();
    const { id } = await api.deployments.create({
      target: { siteIds: [hubId] },
      options: { confirmWindowSeconds: 30 },
    });
    await deploymentFinished(id);
    expect((await api.deployments.get({ id })).items.map((i) => i.status)).toEqual(["confirmed"]);
    const [save, confirm, ...more] = changingSessions(since);
    expect(more).toEqual([]);
    expect(save![2]).toMatch(/^save /);
    // VyOS answers `confirm` with no commit-confirm pending by "No confirm pending", exit 0 (vyos-1x config_mgmt.py)
    expect(confirm).toEqual([...HEAD, "confirm", "save", "exit"]);
    expect(activeConfig()).toEqual(before);
  });
});

describe("a VyOS 1.4 hub", () => {
  it("has no commit-confirm action to set: the set session under commit-confirm, then confirm and save", async () => {
    // the same root as a fresh VyOS 1.4 router: its default config, the agent installed again for 1.4
    writeFileSync(inRoot("config/.vbash-standin/active.commands"), `${VYOS_DEFAULT_CONFIG.join("\n")}\n`);
    rmSync(inRoot("config/dmvpn-agent/state"), { recursive: true, force: true });
    const site = await api.sites.get({ id: hubId });
    await api.sites.update({
      id: hubId,
      networkId: site.networkId,
      site: { name: "hub1", role: "hub", platform: "vyos-1.4", wanInterface: "eth0", publicAddress: "203.0.113.1" },
    });
    const { command } = await api.agents.createEnrollment({ siteId: hubId, origin });
    const online = events.length;
    await inVyosRoot(command);
    expect(JSON.parse(readFileSync(inRoot("config/dmvpn-agent/config.json"), "utf8"))).toMatchObject({
      driverOptions: { vyosVersion: "1.4" },
    });
    await onlineSince(online);

    const since = vbashSessions().length;
    const d = await deployHub(["10.0.0.0/24"], "vyos-1.4");
    expect(d.items.map((i) => [i.status, i.error])).toEqual([["confirmed", null]]);
    const [save, apply, confirm, ...more] = changingSessions(since);
    expect(more).toEqual([]);
    expect(save![2]).toMatch(/^save /);
    expect(apply!.slice(0, 2)).toEqual(HEAD);
    expect(apply!.slice(2, -2).filter((c) => !c.startsWith("set "))).toEqual([]);
    expect(apply!.slice(2, -2)).toContain(`set ${NETWORK} 10.0.0.0/24`);
    expect(apply!.slice(-2)).toEqual(["commit-confirm 2", "exit"]);
    expect(confirm).toEqual([...HEAD, "confirm", "save", "exit"]);
    expect(activeConfig().filter((l) => l.includes("commit-confirm"))).toEqual([]);
    expect((await api.deployments.preview({ siteIds: [hubId] }))[0]).toMatchObject({ unchanged: true, drift: "" });
  });
});

describe("a VyOS 1.5 spoke", () => {
  it("is confirmed only once a status collected after the change shows it registered with a hub", async () => {
    // The same root as a fresh VyOS 1.5 spoke. Its vtysh answers with what real FRR nhrpd printed on a registered
    // spoke in the lab (VyOS 1.5 runs NHRP in FRR nhrpd; hub 203.0.113.1 is this network's hub1 too). Files are
    // named by command (`show ip nhrp nhs json` -> show-ip-nhrp-nhs-json.txt), `.exit` holding the exit status.
    cpSync(REGISTERED_SPOKE_CAPTURES, inRoot("captures"), { recursive: true });
    write(
      inRoot("fakebin/vtysh"),
      [
        "#!/bin/sh",
        // One collection asks for all its shows in one `vtysh -E -c A -c B …`: like the real vtysh 8.4
        // (apps/agent/src/collectors/fixtures/vtysh-batch), -E echoes `<prompt><command>` before each output and
        // the batch stops with status 1 at the first command that fails.
        "echo=0",
        "while [ $# -gt 0 ]; do",
        '  case "$1" in',
        "    -E) echo=1; shift ;;",
        "    -c) cmd=$2; shift 2",
        '        f=/captures/$(echo "$cmd" | tr " " -)',
        '        [ "$echo" = 1 ] && echo "vyos# $cmd"',
        '        [ -f "$f.txt" ] || { echo "vtysh stand-in: $cmd was not captured" >&2; exit 1; }',
        '        cat "$f.txt"; [ "$(cat "$f.exit")" = 0 ] || exit 1 ;;',
        "    *) exit 1 ;;",
        "  esac",
        "done",
        "",
      ].join("\n"),
      0o755,
    );
    writeFileSync(inRoot("config/.vbash-standin/active.commands"), `${VYOS_DEFAULT_CONFIG.join("\n")}\n`);
    rmSync(inRoot("config/dmvpn-agent/state"), { recursive: true, force: true });
    const { networkId } = await api.sites.get({ id: hubId });
    const { id: spokeId } = await api.sites.create({
      networkId,
      // the addresses spoke1 had in the lab, so the captured local NHRP entry (10.255.0.11 at 203.0.113.11) is its own
      site: {
        name: "spoke1",
        role: "spoke",
        platform: "vyos-1.5",
        wanInterface: "eth0",
        tunnelAddress: "10.255.0.11",
        lanPrefixes: ["10.1.0.0/24"],
      },
    });
    const { command } = await api.agents.createEnrollment({ siteId: spokeId, origin });
    const online = events.length;
    await inVyosRoot(command);
    await onlineSince(online, spokeId);

    const since = vbashSessions().length;
    const from = events.length;
    const { id } = await api.deployments.create({
      target: { siteIds: [spokeId] },
      options: { confirmWindowSeconds: 30 },
    });
    await deploymentFinished(id);
    const d = await api.deployments.get({ id });
    expect(d.status).toBe("succeeded");
    expect(d.items.map((i) => [i.site, i.status, i.error])).toEqual([["spoke1", "confirmed", null]]);

    const [save, prepare, apply, confirm, ...more] = changingSessions(since);
    expect(more).toEqual([]);
    expect(save![2]).toMatch(/^save /);
    expect(prepare).toContain("set system config-management commit-confirm action 'reload'");
    expect(apply!.slice(2, -2)).toContain("set interfaces tunnel tun0 address '10.255.0.11/32'");
    expect(apply!.slice(-2)).toEqual(["commit-confirm 2", "exit"]);
    expect(confirm).toEqual([...HEAD, "confirm", "save", "exit"]);

    // applied, then a status showing a registered hub, and only then confirmed
    const after = events.slice(from);
    const progress = (status: string) =>
      after.findIndex((e) => e.type === "deployment.progress" && e.deploymentId === id && e.itemStatus === status);
    const registered = after.findIndex(
      (e, i) =>
        i > progress("applied") &&
        e.type === "site.status" &&
        e.siteId === spokeId &&
        e.status.nhs.some((n) => n.registered && n.nbma === "203.0.113.1"),
    );
    expect(progress("applied")).toBeGreaterThanOrEqual(0);
    expect(registered).toBeGreaterThan(progress("applied"));
    expect(progress("confirmed")).toBeGreaterThan(registered);
    expect((await api.deployments.preview({ siteIds: [spokeId] }))[0]).toMatchObject({ unchanged: true, drift: "" });
  });
});
