import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "@dmvpn/db";
import type { SiteInput } from "@dmvpn/inventory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "../../../test/db";
import { type AgentServices, startAgentServices } from "../../console/src/server/gateway";
import { setRuntime } from "../../console/src/server/runtime";
import { signedInAdmin } from "../../console/test/caller";
import { startApiServer } from "../../console/test/http-server";

/** The real `dmvpn` launcher against a console (REST handlers, deployment runner, database) started here. */
const BIN = fileURLToPath(new URL("../bin/dmvpn.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "dmvpn-cli-remote-"));

let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let agents: AgentServices;
let token: string;
let readToken: string;

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  agents = await startAgentServices({ db, bus: server.bus, connectWaitMs: 300, log: () => {} });
  setRuntime({ db, bus: server.bus, gateway: agents.gateway, deployments: agents.deployments });
  const api = await (await signedInAdmin(db)).api();
  const net = (name: string, tunnelPrefix: string, greKey: number) =>
    api.networks.create({ name, tunnelPrefix, greKey, nhrpNetworkId: greKey });
  const corp = await net("corp", "10.255.0.0/24", 42);
  const lab = await net("lab", "10.254.0.0/24", 43);
  const site = (networkId: string, s: Omit<SiteInput, "wanInterface">) =>
    api.sites.create({ networkId, site: { wanInterface: "eth0", ...s } });
  await site(corp.id, { name: "hub1", role: "hub", platform: "vyos-1.5", publicAddress: "203.0.113.1" });
  const branch = await site(corp.id, {
    name: "branch1",
    role: "spoke",
    platform: "frr-linux",
    lanPrefixes: ["10.1.0.0/24"],
  });
  await site(lab.id, { name: "lab-hub", role: "hub", platform: "vyos-1.4", publicAddress: "198.51.100.9" });
  // branch1 has an enrolled agent that never connects: its deployment must fail.
  await db.agent.create({
    data: {
      siteId: branch.id,
      credentialHash: "c".repeat(64),
      hostname: "branch1",
      platform: "frr-linux",
      version: "1",
    },
  });
  token = (await api.apiTokens.create({ name: "cli", scope: "read-write", expiresInDays: 1 })).token;
  readToken = (await api.apiTokens.create({ name: "cli-read", scope: "read", expiresInDays: 1 })).token;
});
afterAll(async () => {
  await agents.close();
  await server.close();
  await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function dmvpn(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const run = await new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DMVPN_CONSOLE: server.url, DMVPN_TOKEN: token, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
  // No output, whatever happened, may carry a token.
  for (const t of [token, readToken]) expect(run.stdout + run.stderr).not.toContain(t);
  return run;
}

const siteNames = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(/\s+/)[0]);

describe("dmvpn against a console", () => {
  it("lists sites, filtered by network and search", async () => {
    const all = await dmvpn(["sites", "list"]);
    expect(all).toMatchObject({ code: 0, stderr: "" });
    expect(all.stdout.split("\n")[0]).toMatch(/^NAME\s+NETWORK\s+ROLE\s+PLATFORM\s+TUNNEL\s+PUBLIC\s+LAN$/);
    expect(siteNames(all.stdout)).toEqual(["branch1", "hub1", "lab-hub"]);
    expect(all.stdout).toMatch(/hub1\s+corp\s+hub\s+vyos-1\.5\s+10\.255\.0\.1\s+203\.0\.113\.1\s+-/);

    expect(siteNames((await dmvpn(["sites", "list", "--network", "lab"])).stdout)).toEqual(["lab-hub"]);
    expect(siteNames((await dmvpn(["sites", "list", "--search", "branch"])).stdout)).toEqual(["branch1"]);
    // --console wins over DMVPN_CONSOLE
    const flag = await dmvpn(["sites", "list", "--network", "corp", "--console", server.url], {
      DMVPN_CONSOLE: "http://127.0.0.1:9",
    });
    expect(siteNames(flag.stdout)).toEqual(["branch1", "hub1"]);

    const unknown = await dmvpn(["sites", "list", "--network", "nope"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toMatch(/no network named nope/);
  });

  it("explains missing or bad credentials without echoing the token", async () => {
    const none = await dmvpn(["sites", "list"], { DMVPN_TOKEN: undefined });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/set DMVPN_TOKEN/);
    const revoked = await dmvpn(["sites", "list"], { DMVPN_TOKEN: `dmvpn_${"A".repeat(43)}` });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/unknown, expired or revoked/);
    expect(revoked.stderr).not.toContain("A".repeat(43));
    const noConsole = await dmvpn(["sites", "list"], { DMVPN_CONSOLE: undefined });
    expect(noConsole).toMatchObject({ code: 1 });
    expect(noConsole.stderr).toMatch(/--console URL or set DMVPN_CONSOLE/);
    const down = await dmvpn(["sites", "list", "--console", "http://127.0.0.1:9"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the console at http:\/\/127\.0\.0\.1:9/);
  });

  it("exports the inventory and imports CSV: every bad row reported, dry run, then applied", async () => {
    const out = join(dir, "inventory.yaml");
    const exported = await dmvpn(["inventory", "export", "--out", out]);
    expect(exported.code).toBe(0);
    const yaml = readFileSync(out, "utf8");
    expect(yaml).toContain("name: corp");
    expect(yaml).toContain("name: lab-hub");
    expect(yaml).not.toContain("ipsecPsk");
    expect((await dmvpn(["inventory", "export"])).stdout).toBe(yaml);

    const header = "network,name,role,platform,wanInterface,publicAddress,lanPrefixes";
    const bad = join(dir, "bad.csv");
    writeFileSync(
      bad,
      [
        header,
        "corp,branch2,spoke,frr-linux,eth0,,10.2.0.0/24",
        "corp,branch3,spoke,junos,eth0,,10.3.0.0/24",
        "corp,branch4,spoke,frr-linux,eth0,,10.1.0.0/24",
        "",
      ].join("\n"),
    );
    const before = await db.site.count();
    const refused = await dmvpn(["inventory", "import", bad]);
    expect(refused.code).toBe(1);
    const errors = refused.stderr.split("\n").filter((l) => l.startsWith(`${bad}: `));
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.some((l) => l.includes("row[3]") && /platform/i.test(l))).toBe(true);
    expect(errors.some((l) => l.includes("row[4]") && l.includes("10.1.0.0/24"))).toBe(true);
    expect(refused.stderr).toMatch(/nothing was imported/);
    expect(await db.site.count()).toBe(before);

    const good = join(dir, "good.csv");
    writeFileSync(good, `${header}\ncorp,branch2,spoke,frr-linux,eth0,,10.2.0.0/24\n`);
    const dry = await dmvpn(["inventory", "import", good, "--dry-run"]);
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toContain("create site branch2");
    expect(dry.stdout).toMatch(/dry run: 1 to create, 0 to update, \d+ unchanged; nothing written/);
    expect(await db.site.count()).toBe(before);

    const readOnly = await dmvpn(["inventory", "import", good], { DMVPN_TOKEN: readToken });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(/read-only/);

    const applied = await dmvpn(["inventory", "import", good]);
    expect(applied).toMatchObject({ code: 0 });
    expect(applied.stdout).toMatch(/imported: 1 create, 0 update, \d+ unchanged/);
    expect(await db.site.findUnique({ where: { name: "branch2" } })).not.toBeNull();

    const wrongExt = await dmvpn(["inventory", "import", out.replace(".yaml", ".txt")]);
    expect(wrongExt.code).toBe(1);
    expect(wrongExt.stderr).toMatch(/\.yaml, \.yml or \.csv/);
  });

  it("prints a site's config as the console renders it", async () => {
    const config = await dmvpn(["config", "hub1"]);
    expect(config.code).toBe(0);
    expect(config.stdout).toMatch(/^### \S+/);
    expect(config.stdout).toContain("203.0.113.1");
    const missing = await dmvpn(["config", "nope"]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toMatch(/no site named nope/);
  });

  it("deploys one site and waits: agentless awaits apply (2), an offline agent fails (1)", async () => {
    const agentless = await dmvpn(["deploy", "hub1", "--wait", "--timeout", "30", "--interval", "100"]);
    expect(agentless.stderr).toBe("");
    expect(agentless.code).toBe(2);
    const lines = agentless.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^deployment \S+ created for hub1$/);
    expect(lines).toContain("hub1: awaiting-apply [revision 1, wave 0]");
    expect(lines.at(-1)).toBe(
      "deployment awaiting-apply: 1 agentless site(s) wait for an operator to mark them applied",
    );

    const offline = await dmvpn(["deploy", "branch1", "--wait", "--interval", "100"]);
    expect(offline.code).toBe(1);
    expect(offline.stdout).toContain("branch1: failed (the agent is offline)");
    expect(offline.stdout).toMatch(/deployment failed: stopped after wave 0: branch1: the agent is offline\n$/);

    const noWait = await dmvpn(["deploy", "lab-hub"]);
    expect(noWait.code).toBe(0);
    const id = /^deployment (\S+) created for lab-hub$/m.exec(noWait.stdout)?.[1];
    expect(await db.deployment.findUnique({ where: { id } })).toMatchObject({ scope: "site" });

    const viewerOnly = await dmvpn(["deploy", "hub1"], { DMVPN_TOKEN: readToken });
    expect(viewerOnly.code).toBe(1);
    expect(viewerOnly.stderr).toMatch(/read-only/);
  });

  it("marks an agentless site's pending revision applied, with its running config from a file", async () => {
    const deploy = await dmvpn(["deploy", "lab-hub", "--wait", "--interval", "100"]);
    expect(deploy.code).toBe(2);
    const running = join(dir, "lab-hub.running.cfg");
    writeFileSync(running, "interface Tunnel0\r\n ip address 10.254.0.1 255.255.255.0\r\n");

    const readOnly = await dmvpn(["deployments", "mark-applied", "lab-hub"], { DMVPN_TOKEN: readToken });
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(/read-only/);
    const wrong = await dmvpn(["deployments", "mark-applied", "lab-hub", "--revision", "7"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/revision: lab-hub has no pending deployment of revision 7 \(pending: 1\)/);

    const marked = await dmvpn([
      "deployments",
      "mark-applied",
      "lab-hub",
      "--revision",
      "1",
      "--running-config",
      running,
    ]);
    expect(marked.stderr).toBe("");
    expect(marked.code).toBe(0);
    // The earlier test's deployment of lab-hub (same revision) waited too: superseded, so both deployments succeed.
    expect(marked.stdout).toMatch(
      /^lab-hub: revision 1 marked applied with its running config; 1 earlier pending deployment\(s\) of it superseded\n(deployment \S+ succeeded\n){2}$/,
    );
    const lab = await db.site.findFirstOrThrow({ where: { name: "lab-hub" }, include: { runningConfig: true } });
    // sealed at rest: the pasted config holds the key
    expect(lab.runningConfig?.content).not.toContain("interface Tunnel0");
    const again = await dmvpn(["deployments", "mark-applied", "lab-hub"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/lab-hub: no deployment is waiting to be applied/);
  });
});
