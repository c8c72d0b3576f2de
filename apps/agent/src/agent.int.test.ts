import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ConfigFile } from "@dmvpn/protocol";
import { TestConsole } from "@dmvpn/protocol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const AGENT_DIR = join(import.meta.dirname, "..");
const BUNDLE = join(AGENT_DIR, "dist", "dmvpn-agent.mjs");
const run = promisify(execFile);
const TOKEN = "enrol-token-0123456789abcdef";

const good: ConfigFile[] = [
  {
    name: "gre.sh",
    content: "ip tunnel add gre1 mode gre key 42 ttl 64 dev eth0\nip addr add 10.255.0.11/32 dev gre1\n",
  },
  {
    name: "frr.conf",
    content:
      "interface gre1\n ip nhrp network-id 1\n ip nhrp nhs dynamic nbma 203.0.113.1\n ip nhrp shortcut\nrouter bgp 65000\n neighbor 10.255.0.1 remote-as 65000\n",
  },
];
const noHubs: ConfigFile[] = [{ name: "gre.sh", content: "ip addr add 10.255.0.11/32 dev gre1\n" }];

let dir: string;
let configPath: string;
let console_: TestConsole;
let agent: ChildProcess | null = null;
let siteId: string;
let stderr = "";

function startAgent(): ChildProcess {
  const child = spawn(process.execPath, [BUNDLE, "run", "--config", configPath, "--log-level", "debug"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  agent = child;
  return child;
}

function apply(deploymentId: string, files: ConfigFile[], contentHash: string, confirmWindowSeconds = 60) {
  console_.send(
    siteId,
    "apply",
    { deploymentId, revision: 1, contentHash, target: "frr", files, confirmWindowSeconds },
    deploymentId,
  );
  return console_.waitForMessage("apply-result", (m) => m.payload.deploymentId === deploymentId);
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(AGENT_DIR, "scripts", "build.mjs")]);
  dir = mkdtempSync(join(tmpdir(), "dmvpn-agent-int-"));
  configPath = join(dir, "etc", "config.json");
  console_ = await new TestConsole({ tokens: [TOKEN], heartbeatSeconds: 1 }).start();
});

afterAll(async () => {
  agent?.kill("SIGKILL");
  await console_.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("bundled agent with the sim driver against a test console", () => {
  it("enrols: stores the credential with mode 0600 and never the token", async () => {
    // async: the test console runs in this process and must keep answering
    await run(process.execPath, [
      BUNDLE,
      "enroll",
      "--console",
      console_.url,
      "--token",
      TOKEN,
      "--config",
      configPath,
      "--driver",
      "sim",
      "--hostname",
      "spoke-a",
    ]);
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    const text = readFileSync(configPath, "utf8");
    expect(text).not.toContain(TOKEN);
    const config = JSON.parse(text);
    expect(config).toMatchObject({
      driver: "sim",
      websocketUrl: console_.websocketUrl,
      siteId: expect.stringContaining("spoke-a"),
    });
    expect(console_.enrolments).toEqual([
      { token: TOKEN, hostname: "spoke-a", platform: "sim", agentVersion: "0.1.0" },
    ]);
    siteId = config.siteId;
    // fast cadence for the test
    writeFileSync(
      configPath,
      JSON.stringify({
        ...config,
        statusIntervalSeconds: 0.3,
        registrationGraceSeconds: 60,
        backoff: { initialMs: 200, maxMs: 1000 },
      }),
    );
    // the token is single-use
    await expect(
      run(process.execPath, [
        BUNDLE,
        "enroll",
        "--console",
        console_.url,
        "--token",
        TOKEN,
        "--config",
        join(dir, "other.json"),
        "--driver",
        "sim",
      ]),
    ).rejects.toThrow(/refused/);
  });

  it("connects, says hello with its site id and sends a status snapshot", async () => {
    startAgent();
    const hello = await console_.waitForMessage("hello");
    expect(hello.payload).toMatchObject({ siteId, platform: "sim", hostname: "spoke-a" });
    await console_.waitForMessage("status-snapshot");
    expect(stderr).not.toContain(hello.payload.credential);
  });

  it("applies, reports, confirms and then streams status deltas", async () => {
    const result = await apply("d1", good, "hash-1");
    expect(result.payload).toMatchObject({ outcome: "applied" });
    await console_.waitUntil(
      () => console_.sites.get(siteId)?.status?.bgpNeighbors[0]?.state === "Established",
      15_000,
      "BGP up",
    );
    const status = console_.sites.get(siteId)!.status!;
    expect(status.nhs).toEqual([
      { interface: "gre1", nbma: "203.0.113.1", protocolAddress: "10.255.0.1", registered: true },
    ]);
    expect(console_.received.some((r) => r.message.type === "status-delta")).toBe(true);
    expect(console_.sites.get(siteId)!.events.some((e) => e.kind === "registration-up")).toBe(true);
    console_.send(siteId, "confirm", { deploymentId: "d1" });
    await console_.waitForMessage("confirmed", (m) => m.payload.deploymentId === "d1");
  });

  it("answers diagnostics", async () => {
    console_.send(siteId, "ping", { target: "10.255.0.1", count: 2 }, "p1");
    const ping = await console_.waitForMessage("ping-result", (m) => m.id === "p1");
    expect(ping.payload).toMatchObject({ sent: 2, received: 2 });
    console_.send(siteId, "show", { commandId: "nhrp-nhs" }, "s1");
    const show = await console_.waitForMessage("show-result", (m) => m.id === "s1");
    expect(show.payload.output).toContain("203.0.113.1");
  });

  it("re-applying the same content hash reports unchanged", async () => {
    const result = await apply("d2", good, "hash-1");
    expect(result.payload.outcome).toBe("unchanged");
  });

  it("rolls back a config that is never confirmed", async () => {
    const from = console_.received.length;
    const result = await apply("d3", noHubs, "hash-3", 5);
    expect(result.payload.outcome).toBe("applied");
    const rolled = await console_.waitForMessage(
      "apply-result",
      (m) => m.payload.deploymentId === "d3" && m.payload.outcome === "rolled-back",
      15_000,
      from,
    );
    expect(rolled.payload).toMatchObject({ reason: "no confirmation within 5 s" });
    await console_.waitUntil(() =>
      console_.sites.get(siteId)!.events.some((e) => e.kind === "rollback" && e.deploymentId === "d3"),
    );
    // the old config is back: the hub registration returns
    await console_.waitUntil(
      () => console_.sites.get(siteId)?.status?.nhs[0]?.registered === true,
      15_000,
      "registered again",
    );
  });

  it("an agent killed during the confirm window rolls back on restart and reports it", async () => {
    const result = await apply("d4", noHubs, "hash-4", 600);
    expect(result.payload.outcome).toBe("applied");
    const from = console_.received.length;
    agent!.kill("SIGKILL");
    await new Promise((r) => agent!.once("exit", r));
    startAgent();
    const rolled = await console_.waitForMessage("apply-result", (m) => m.payload.deploymentId === "d4", 15_000, from);
    expect(rolled.payload).toMatchObject({ outcome: "rolled-back", reason: expect.stringMatching(/restarted/) });
    await console_.waitUntil(
      () => console_.sites.get(siteId)?.status?.nhs[0]?.registered === true,
      15_000,
      "registered after rollback",
    );
  });

  it("reconnects with backoff after the console restarts", async () => {
    const hellos = () => console_.received.filter((r) => r.message.type === "hello").length;
    const before = hellos();
    await console_.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await console_.start();
    await console_.waitUntil(() => hellos() > before || undefined, 15_000, "hello after restart");
    await console_.waitUntil(() => console_.isConnected(siteId), 5000, "connected");
    expect(stderr).toMatch(/"msg":"reconnecting"/);
  });
});
