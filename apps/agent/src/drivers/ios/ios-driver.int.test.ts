import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join, resolve } from "node:path";
import type { ConfigFile } from "@dmvpn/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  flatConfig,
  type ScriptedIosRouter,
  startScriptedIosRouter,
  writeRouterState,
} from "../../../test/scripted-ios-router";
import { CommitConfirm } from "../../apply";
import type { AgentState } from "../../state-store";
import { ApplyError } from "../driver";
import { IosDriver } from "./ios-driver";
import { HostKeyMismatchError, probeHostKey } from "./ios-ssh";
import type { IosSshTarget } from "./ios-target";

// A real OpenSSH server (Debian's sshd) in a network namespace whose ForceCommand is the scripted IOS CLI
// (apps/agent/test/scripted-ios-router.ts). No real IOS runs here: the test covers the SSH transport, host-key
// pinning and the driver's apply/confirm/revert sequence, not IOS's own behaviour or status parsing.
const SHORT_MINUTE_MS = 1500;
let router: ScriptedIosRouter;
let dir: string;
let target: IosSshTarget;
let hostKeyFingerprint: string;
let ROUTER: string;

interface Node {
  text: string;
  children: Node[];
}
const routerState = () =>
  JSON.parse(readFileSync(router.statePath, "utf8")) as { running: Node[]; startup: Node[]; revert: unknown };
const flat = flatConfig;
const running = () => router.running();
/** `minuteMs`: how long an emulated minute of the revert timer lasts */
function resetRouter(withArchive = true, minuteMs = 60_000) {
  writeRouterState(router.statePath, "hub-1", withArchive, minuteMs);
}

/** The rendered reference hub-1 config (packages/render's golden file), with the LAN and hubs as a test needs. */
const golden = readFileSync(
  resolve(__dirname, "../../../../../packages/render/src/__golden__/reference.ios.golden"),
  "utf8",
);
const hub1 = (golden.split("### hub-1/config.ios\n")[1] ?? "").split("### ")[0] as string;
const files = (content: string): ConfigFile[] => [{ name: "config.ios", content }];

function newDriver(pin = hostKeyFingerprint, stateDir = join(dir, `agent-${Math.random().toString(36).slice(2)}`)) {
  return new IosDriver({ ssh: { ...target, hostKeySha256: pin }, stateDir });
}

beforeAll(async () => {
  expect(userInfo().uid).toBe(0);
  dir = mkdtempSync(join(tmpdir(), "ios-ssh-int-"));
  router = await startScriptedIosRouter({
    hostname: "hub-1",
    namespace: `ios${process.pid % 100000}`,
    subnet: `10.77.${process.pid % 250}`,
  });
  ROUTER = router.host;
  hostKeyFingerprint = router.fingerprint;
  target = {
    host: ROUTER,
    port: 22,
    username: "root",
    privateKeyFile: router.keyFile,
    hostKeySha256: hostKeyFingerprint,
  };
});

afterAll(() => {
  router?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("ios-ssh driver against OpenSSH serving the scripted IOS CLI", () => {
  it("sees the host key OpenSSH's ssh-keygen prints, and refuses a router whose key differs from the pinned one", async () => {
    expect(await probeHostKey(ROUTER, 22)).toBe(hostKeyFingerprint);
    const other = `SHA256:${"A".repeat(43)}`;
    const err = await newDriver(other)
      .readRunningConfig()
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    expect(err?.message).toContain(`is ${hostKeyFingerprint}, but ${other} was pinned at enrolment`);
    expect(err?.message).toContain("refusing to connect");
  });

  it("refuses to apply without the archive the revert timer needs, naming the fix", async () => {
    resetRouter(false);
    const err = await newDriver()
      .applyConfig(files(hub1), { confirmWindowSeconds: 60 })
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(err).toBeInstanceOf(ApplyError);
    expect(err?.message).toMatch(/no configuration archive.*`archive` with a `path`/s);
    expect(running()).toEqual([]);
  });

  it("applies under the revert timer, confirms with configure confirm, then writes memory", async () => {
    resetRouter();
    const driver = newDriver();
    await driver.readRunningConfig();
    await driver.applyConfig(files(hub1), { confirmWindowSeconds: 60 });
    expect(routerState().revert).not.toBeNull();
    expect(running()).toContain("interface Tunnel0");
    expect(running()).toContain(" ip nhrp map 10.255.0.2 203.0.113.2");
    expect(running()).toContain("  network 10.0.0.0 255.255.255.0");
    expect(flat(routerState().startup)).not.toContain("interface Tunnel0");
    await driver.confirm();
    expect(routerState().revert).toBeNull();
    expect(flat(routerState().startup)).toEqual(running());
    // the same config again changes nothing: no revert timer is armed, confirm has nothing to confirm
    await driver.applyConfig(files(hub1), { confirmWindowSeconds: 60 });
    expect(routerState().revert).toBeNull();
    await driver.confirm();
  });

  it("removes the statements the console owned and no longer renders (a LAN, a peer hub), keeps the operator's", async () => {
    resetRouter();
    const driver = newDriver();
    await driver.applyConfig(files(hub1), { confirmWindowSeconds: 60 });
    await driver.confirm();
    // an operator's own BGP network on the shared router
    const state = routerState();
    const bgp = state.running.find((n) => n.text === "router bgp 65000") as Node;
    bgp.children
      .find((n) => n.text === "address-family ipv4")
      ?.children.push({ text: "network 172.16.0.0 255.255.0.0", children: [] });
    writeFileSync(router.statePath, JSON.stringify(state));
    const changed = hub1
      .replace("network 10.0.0.0 255.255.255.0", "network 10.0.9.0 255.255.255.0")
      .replace(/ ip nhrp map 10\.255\.0\.2 203\.0\.113\.2\n ip nhrp map multicast 203\.0\.113\.2\n/, "")
      .replace(/ neighbor 10\.255\.0\.2 .*\n {2}neighbor 10\.255\.0\.2 .*\n/, "")
      .replace(/ neighbor 10\.255\.0\.2 .*\n/g, "")
      .replace(/ {2}neighbor 10\.255\.0\.2 .*\n/g, "");
    await driver.applyConfig(files(changed), { confirmWindowSeconds: 60 });
    await driver.confirm();
    const now = running();
    expect(now).toContain("  network 10.0.9.0 255.255.255.0");
    expect(now).not.toContain("  network 10.0.0.0 255.255.255.0");
    expect(now.filter((l) => l.includes("10.255.0.2"))).toEqual([]);
    expect(now).toContain("  network 172.16.0.0 255.255.0.0");
    expect(now).toContain(" ip nhrp map multicast dynamic");
  });

  it("reports the router's error for a line it refuses, and rollback restores the saved config", async () => {
    resetRouter();
    const driver = newDriver();
    const saved = await driver.readRunningConfig();
    const before = running();
    const bad = hub1.replace(" tunnel mode gre multipoint", " tunnel mode gre multipoint\n tunnel frobnicate 7");
    const err = await driver.applyConfig(files(bad), { confirmWindowSeconds: 60 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(ApplyError);
    expect(err?.message).toContain("tunnel frobnicate 7");
    expect(err?.message).toContain("% Invalid input detected at '^' marker.");
    await driver.rollback(saved);
    expect(running()).toEqual(before);
    expect(routerState().revert).toBeNull();
  });

  it("keeps secrets out of the router's error text", async () => {
    resetRouter();
    const bad = hub1.replace(
      "  pre-shared-key Reference-PSK-0123456789",
      "  pre-shared-key Reference-PSK-0123456789\n  frobnicate Reference-PSK-0123456789",
    );
    const err = await newDriver()
      .applyConfig(files(bad), { confirmWindowSeconds: 60 })
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(err).toBeInstanceOf(ApplyError);
    expect(err?.message).toContain("% Invalid input");
    expect(err?.message).toContain("frobnicate HIDDEN-ask-an-admin-for-the-key");
    expect(err?.message).not.toContain("Reference-PSK");
  });

  it("the router reverts by itself when nobody confirms, and a later rollback finds it done", async () => {
    resetRouter(true, SHORT_MINUTE_MS);
    const driver = newDriver();
    const saved = await driver.readRunningConfig();
    const before = running();
    await driver.applyConfig(files(hub1), { confirmWindowSeconds: 1 });
    expect(running()).toContain("interface Tunnel0");
    // timer: ceil(1 s / 60) + 1 = 2 emulated minutes, counted from leaving configuration mode
    await new Promise((r) => setTimeout(r, 2 * SHORT_MINUTE_MS + 500));
    await driver.readRunningConfig();
    expect(running()).toEqual(before);
    await driver.rollback(saved);
    expect(running()).toEqual(before);
  });

  it("through the agent's commit-confirm: a lost console rolls back with configure revert now", async () => {
    resetRouter();
    const before = running();
    let state: AgentState = { pending: null, lastConfirmed: null, outbox: [] };
    const sent: unknown[] = [];
    const cc = new CommitConfirm({
      driver: newDriver(),
      store: {
        load: async () => state,
        save: async (s) => {
          state = structuredClone(s);
        },
      },
      send: (m) => {
        sent.push(m);
        return true;
      },
    });
    await cc.init();
    const applied = await cc.handleApply({
      deploymentId: "d1",
      revision: 1,
      contentHash: "h1",
      target: "cisco-ios",
      files: files(hub1),
      confirmWindowSeconds: 1,
    } as Parameters<CommitConfirm["handleApply"]>[0]);
    expect(applied.outcome).toBe("applied");
    expect(running()).toContain("interface Tunnel0");
    for (let i = 0; i < 100 && state.pending; i++) await new Promise((r) => setTimeout(r, 100));
    expect(state.pending).toBeNull();
    expect(running()).toEqual(before);
    expect(routerState().revert).toBeNull();
    expect(JSON.stringify(sent)).toContain('"outcome":"rolled-back"');
    cc.dispose();
  });
});
