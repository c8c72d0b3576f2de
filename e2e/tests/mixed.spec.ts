import type { ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { iosCapture } from "../../apps/agent/src/collectors/fixtures/read-capture";
import { snapshot } from "./helpers";
import { HUB_STATUS_CAPTURES, type ScriptedRouter, startScriptedRouter, writeShowDir } from "./mixed-router";
import { enterConsole, trpc } from "./session";
import { enrolAgent, runAgent, startSimAgent } from "./sim-agent";

// A mixed network: a Cisco hub driven by a proxy agent over SSH (a real sshd serving the scripted IOS CLI, see
// mixed-router.ts: no real IOS), an FRR spoke with an agent (the sim driver, as rollout.spec.ts) and an agentless
// Cisco spoke. Deploy, mark applied, change one LAN per site, see a minimal diff on each, deploy again; the dashboard
// is all green. The hub's status is parsed from real published IOS captures the scripted CLI serves (mixed-router.ts):
// its status page shows the captured routers' peers, not this network's spokes.
test.describe.configure({ mode: "serial" });

const agents: ChildProcess[] = [];
let router: ScriptedRouter | null = null;
let dir = "";

test.afterAll(() => {
  for (const a of agents) a.kill("SIGKILL");
  router?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the scripted hub serves each status command's published capture as published, without its source header", () => {
  const show = mkdtempSync(join(tmpdir(), "dmvpn-e2e-show-"));
  try {
    writeShowDir(show);
    const fixtures = resolve(import.meta.dirname, "../../apps/agent/src/collectors/fixtures/ios");
    for (const [file, name] of [
      ["show_dmvpn_detail", HUB_STATUS_CAPTURES.dmvpn],
      ["show_crypto_ikev2_sa_detailed", HUB_STATUS_CAPTURES.ikev2],
      ["show_ip_nhrp", HUB_STATUS_CAPTURES.nhrp],
      ["show_ip_bgp_summary", HUB_STATUS_CAPTURES.bgp],
    ] as const) {
      const served = readFileSync(join(show, file), "utf8");
      const stored = readFileSync(join(fixtures, name), "utf8");
      const header = stored.slice(0, stored.length - served.length);
      // the stored file is exactly the source header lines followed by what is served
      expect(stored.endsWith(served), name).toBe(true);
      expect(header.split("\n").slice(0, -1).length, name).toBeGreaterThanOrEqual(2);
      for (const line of header.split("\n").slice(0, -1)) expect(line, name).toMatch(/^# /);
      expect(header, name).toContain("# Source: github.com/");
      expect(served.startsWith("#"), name).toBe(false);
      expect(served, name).toBe(iosCapture(name));
    }
  } finally {
    rmSync(show, { recursive: true, force: true });
  }
});

test("a Cisco hub through a proxy agent, an FRR spoke and an agentless spoke: deploy, mark applied, change LANs", async ({
  page,
}, info) => {
  // two SSH-driven hub deploys and two waves each; 4 min was not enough on a loaded 2-core machine
  test.setTimeout(480_000);
  await enterConsole(page);
  const suffix = Date.now().toString(36);
  const consoleUrl = new URL(page.url()).origin;
  dir = mkdtempSync(join(tmpdir(), "dmvpn-e2e-mixed-"));
  const network = await trpc(page, "networks.create", {
    name: `mixed-${suffix}`,
    tunnelPrefix: "10.252.0.0/24",
    greKey: 66,
    nhrpNetworkId: 6,
  });
  const sites = {
    hub: {
      name: `m-hub-${suffix}`,
      role: "hub",
      platform: "cisco-ios",
      wanInterface: "GigabitEthernet0/0",
      publicAddress: "203.0.113.60",
      lanPrefixes: ["10.60.0.0/24"],
    },
    frr: {
      name: `m-frr-${suffix}`,
      role: "spoke",
      platform: "frr-linux",
      wanInterface: "eth0",
      lanPrefixes: ["10.61.0.0/24"],
    },
    cisco: {
      name: `m-cisco-${suffix}`,
      role: "spoke",
      platform: "cisco-ios",
      wanInterface: "GigabitEthernet0/0",
      lanPrefixes: ["10.62.0.0/24"],
    },
  };
  const ids: Record<keyof typeof sites, string> = { hub: "", frr: "", cisco: "" };
  for (const k of Object.keys(sites) as (keyof typeof sites)[])
    ids[k] = (await trpc(page, "sites.create", { networkId: network.id, site: sites[k] })).id;

  // The Cisco hub: the site page offers the proxy form of the install command.
  router = await startScriptedRouter(sites.hub.name, join(dir, "ios-show"));
  await page.goto(`/sites/${ids.hub}`);
  await expect(page.getByTestId("agent-state")).toContainText("config-managed");
  await page.getByRole("button", { name: "Enrol agent" }).click();
  const command = (await page.getByTestId("install-command").textContent()) ?? "";
  expect(command).toContain("install.sh?platform=cisco-ios");
  expect(command).toContain("DMVPN_SSH_HOST=ROUTER_SSH_ADDRESS");
  await expect(page.getByTestId("proxy-instructions")).toContainText("proxy agent over SSH");
  await snapshot(page, info, "1-cisco-hub-proxy-enrolment");
  const hubConfig = join(dir, "hub.json");
  await enrolAgent(consoleUrl, /DMVPN_TOKEN='([^']+)'/.exec(command)?.[1] as string, hubConfig, [
    "--driver",
    "ios-ssh",
    "--ssh-host",
    router.host,
    "--ssh-user",
    "root",
    "--ssh-key",
    router.keyFile,
  ]);
  // pinned on first use: the fingerprint OpenSSH's ssh-keygen prints for the router's host key
  expect(JSON.parse(readFileSync(hubConfig, "utf8")).driverOptions.ssh.hostKeySha256).toBe(router.fingerprint);
  // its log is kept with the test's results: a status collection that fails or runs slow shows there
  const hubLog = openSync(info.outputPath("hub-agent.log"), "w");
  agents.push(runAgent(hubConfig, ["ignore", hubLog, hubLog]));
  await expect(page.getByTestId("agent-state")).toContainText("online", { timeout: 20_000 });
  await expect(page.getByTestId("agent-state")).toContainText("cisco-ios");

  // The FRR spoke: an agent on the router (the sim driver stands in for FRR).
  const enrol = await trpc(page, "agents.createEnrollment", { siteId: ids.frr, origin: consoleUrl });
  const frrConfig = join(dir, "frr.json");
  agents.push(await startSimAgent(consoleUrl, enrol.token, frrConfig));

  /** Deploys the network; agents confirm, the agentless spoke is marked applied on the deployment page. */
  async function deployAndApply(revision: number) {
    const { id } = await trpc(page, "deployments.create", { target: { networkId: network.id }, options: {} });
    await page.goto(`/deployments/${id}`);
    await expect(page.locator(`tr[data-site="${sites.hub.name}"]`)).toContainText("confirmed", { timeout: 60_000 });
    await expect(page.locator(`tr[data-site="${sites.frr.name}"]`)).toContainText("confirmed", { timeout: 60_000 });
    const agentless = page.locator(`tr[data-site="${sites.cisco.name}"]`);
    await expect(agentless).toContainText("awaiting-apply");
    await snapshot(page, info, `deployment-r${revision}-awaiting-apply`);
    await agentless.getByTestId(`mark-applied-r${revision}`).click();
    await agentless.getByRole("button", { name: `I applied r${revision} on the router` }).click();
    await expect(agentless).toContainText("marked-applied");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("succeeded");
    await snapshot(page, info, `deployment-r${revision}-succeeded`);
  }

  await deployAndApply(1);
  // the proxy agent typed the hub's config into the router under its revert timer and confirmed it
  expect(router.running()).toContain("interface Tunnel0");
  expect(router.running()).toContain("  network 10.60.0.0 255.255.255.0");

  // One LAN changed on each site: each preview shows only that LAN's lines (and the hub its summary of the spokes').
  for (const [k, lan] of [
    ["hub", "10.60.1.0/24"],
    ["frr", "10.61.1.0/24"],
    ["cisco", "10.62.1.0/24"],
  ] as const)
    await trpc(page, "sites.update", { id: ids[k], networkId: network.id, site: { ...sites[k], lanPrefixes: [lan] } });
  const preview: { name: string; diff: string; unchanged: boolean; deployedRevision: number | null }[] = await trpc(
    page,
    "deployments.preview",
    { networkId: network.id },
    "query",
  );
  for (const [k, octet] of [
    ["hub", 60],
    ["frr", 61],
    ["cisco", 62],
  ] as const) {
    const p = preview.find((x) => x.name === sites[k].name);
    expect(p?.deployedRevision, k).toBe(1);
    const changed = (p?.diff ?? "").split("\n").filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
    expect(changed.length, `${k}: ${p?.diff}`).toBeGreaterThanOrEqual(2);
    // the hub also announces the spokes' LANs' tightest summary (auto), which follows their LANs
    const lans = k === "hub" ? "6[0-2]" : String(octet);
    for (const line of changed) expect(line, k).toMatch(new RegExp(`10\\.${lans}\\.[01]\\.0|body-sha256`));
  }
  await page.goto(`/deployments/new?networkId=${network.id}`);
  // one revision diff per site; the hub's drift view (its raw `show running-config` against the rendered file, which
  // the console compares as text for IOS) is a separate diff nested one level deeper, not counted here
  await expect(page.locator("details > div > [data-testid='deployment-diff']")).toHaveCount(3);
  await snapshot(page, info, "2-minimal-diffs");

  await deployAndApply(2);
  expect(router.running()).toContain("  network 10.60.1.0 255.255.255.0");
  expect(router.running()).not.toContain("  network 10.60.0.0 255.255.255.0");

  // The hub reports through its proxy agent: the published captures' NHRP cache, IKEv2 SAs and BGP sessions, parsed.
  await page.goto(`/sites/${ids.hub}/status`);
  await expect(page.getByTestId("status-agent")).toContainText("online");
  await expect(page.getByTestId("status-agent")).toContainText("status reported", { timeout: 30_000 });
  const card = (title: string) => page.locator("section", { hasText: `${title} · reported` });
  // the row with a cell reading exactly `cell` (20.169.169.2 is a prefix of 20.169.169.253)
  const row = (title: string, cell: string) =>
    card(title)
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: cell, exact: true }) });
  // a peer behind NAT, as clarkson-show-ip-nhrp-nat.txt lists it: NBMA 202.100.1.4, claimed 10.1.1.1
  await expect(row("NHRP cache", "20.169.169.2")).toContainText(
    /dynamic\s*20\.169\.169\.2\s*202\.100\.1\.4\s*10\.1\.1\.1/,
  );
  await expect(row("NHRP cache", "20.169.169.253")).toContainText("static");
  await expect(card("NHRP cache").getByRole("row")).toHaveCount(5); // header + the four peer entries on Tunnel0
  // kevin-show-crypto-ikev2-sa-hub.txt: three READY SAs to the spokes 20/30/40.1.1.1
  for (const [id, remote] of [
    ["2", "20.1.1.1"],
    ["1", "30.1.1.1"],
    ["3", "40.1.1.1"],
  ] as const)
    await expect(row("IPsec SAs", `IKEv2 SA ${id}`)).toContainText(
      new RegExp(`${remote.replaceAll(".", "\\.")}\\s*ESTABLISHED`),
    );
  // kevin-show-ip-bgp-summary-hub.txt
  await expect(row("BGP neighbours", "172.16.1.2")).toContainText(/65000\s*Established\s*2/);
  await expect(card("BGP neighbours").getByRole("row").filter({ hasText: "Established" })).toHaveCount(3);
  await snapshot(page, info, "3-cisco-hub-status");

  // Dashboard all green for this network: the agents are online, the agentless spoke is in its own bucket, and no
  // site of this network needs attention (other specs' sites may, in a full run: the console is shared). The hub's
  // captures are the same text at every collection; the agent still reports the unchanged status once per interval,
  // so the hub is not aged out as stale. Polled: under load a collection over SSH can take longer than the console's
  // 20 s freshness window, and the hub reads fresh again at its next report.
  await expect
    .poll(
      async () => {
        const dash = await trpc(page, "topology.dashboard", undefined, "query");
        return dash.attention
          .filter((a: { networkName: string }) => a.networkName === network.name)
          .map((a: { name: string; reasons: string[] }) => `${a.name}: ${a.reasons.join(", ")}`);
      },
      { timeout: 90_000, intervals: [2_000] },
    )
    .toEqual([]);
  await page.goto("/");
  await expect(page.getByTestId("dashboard-counts")).toContainText("Config-managed (no agent)");
  const attention = page.locator("section", { hasText: "Needs attention" });
  await expect(attention).toBeVisible();
  for (const k of ["frr", "cisco"] as const) await expect(attention.getByText(sites[k].name), k).toHaveCount(0);
  await snapshot(page, info, "4-dashboard");
});
