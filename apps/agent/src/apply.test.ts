import { type AgentToConsole, agentMessage, type ConfigFile, parseAgentMessage, TEXT_LIMITS } from "@dmvpn/protocol";
import { SimDriver, SimFabric } from "@dmvpn/sim";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommitConfirm } from "./apply";
import { ApplyError } from "./drivers/driver";
import { MemoryStateStore } from "./state-store";

const good: ConfigFile[] = [
  { name: "gre.sh", content: "ip addr add 10.255.0.11/32 dev gre1\n" },
  { name: "frr.conf", content: "interface gre1\n ip nhrp nhs dynamic nbma 203.0.113.1\n ip nhrp shortcut\n" },
];
const noHubs: ConfigFile[] = [{ name: "gre.sh", content: "ip addr add 10.255.0.11/32 dev gre1\n" }];
const broken: ConfigFile[] = [{ name: "frr.conf", content: "interface gre1\n" }];

const apply = (deploymentId: string, files: ConfigFile[], contentHash = deploymentId, confirmWindowSeconds = 60) => ({
  deploymentId,
  revision: 1,
  contentHash,
  target: "frr" as const,
  files,
  confirmWindowSeconds,
});

function setup(connected = true, extra: Partial<ConstructorParameters<typeof CommitConfirm>[0]> = {}) {
  const fabric = new SimFabric({ clock: { now: () => Date.now() } });
  const driver = new SimDriver(fabric, "s1", "198.51.100.11");
  const store = new MemoryStateStore();
  const sent: AgentToConsole[] = [];
  const link = { connected };
  const cc = new CommitConfirm({
    driver,
    store,
    send: (m) => {
      if (!link.connected) return false;
      sent.push(m);
      return true;
    },
    registrationGraceMs: 5000,
    ...extra,
  });
  return { fabric, driver, store, sent, link, cc };
}

describe("CommitConfirm", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2025-01-01T00:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  it("applies, then keeps the config when confirmed in time", async () => {
    const { cc, driver, store, sent } = setup();
    await cc.init();
    const result = await cc.handleApply(apply("d1", good));
    expect(result).toEqual({
      outcome: "applied",
      deploymentId: "d1",
      contentHash: "d1",
      confirmBy: "2025-01-01T00:01:00.000Z",
    });
    expect(store.state.pending?.deploymentId).toBe("d1");
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await cc.handleConfirm("d1")).toEqual({ ok: true });
    await vi.advanceTimersByTimeAsync(120_000);
    expect((await driver.readRunningConfig()).files).toEqual(good);
    expect(store.state).toMatchObject({ pending: null, lastConfirmed: { deploymentId: "d1", contentHash: "d1" } });
    expect(sent).toEqual([]);
  });

  it("rolls back when no confirmation arrives within the window, and not a moment earlier", async () => {
    const { cc, driver, sent } = setup();
    await cc.init();
    await cc.handleApply(apply("d0", good));
    await cc.handleConfirm("d0");
    await cc.handleApply(apply("d1", noHubs, "h1", 30));
    await vi.advanceTimersByTimeAsync(29_000);
    expect(cc.pending?.deploymentId).toBe("d1");
    await vi.advanceTimersByTimeAsync(2_000);
    expect(cc.pending).toBeNull();
    expect((await driver.readRunningConfig()).files).toEqual(good);
    expect(sent.map((m) => m.type)).toEqual(["apply-result", "event"]);
    expect(sent[0]!.payload).toMatchObject({
      outcome: "rolled-back",
      deploymentId: "d1",
      reason: "no confirmation within 30 s",
    });
    expect(await cc.handleConfirm("d1")).toMatchObject({ ok: false });
  });

  it("re-applying the confirmed content hash is unchanged; a second deployment while one is pending fails", async () => {
    const { cc } = setup();
    await cc.init();
    await cc.handleApply(apply("d1", good, "same"));
    expect(await cc.handleApply(apply("d1", good, "same"))).toMatchObject({ outcome: "applied" });
    expect(await cc.handleApply(apply("d2", noHubs, "other"))).toMatchObject({
      outcome: "failed",
      error: /d1 is still waiting/,
    });
    await cc.handleConfirm("d1");
    expect(await cc.handleApply(apply("d3", good, "same"))).toEqual({
      outcome: "unchanged",
      deploymentId: "d3",
      contentHash: "same",
    });
  });

  it("reports the router's error text and restores the saved config when apply fails", async () => {
    const { cc, driver, store } = setup();
    await cc.init();
    await cc.handleApply(apply("d0", good));
    await cc.handleConfirm("d0");
    const r = await cc.handleApply(apply("d1", broken));
    expect(r).toMatchObject({ outcome: "failed", error: expect.stringMatching(/no address/) });
    expect((await driver.readRunningConfig()).files).toEqual(good);
    expect(store.state.pending).toBeNull();
  });

  it("reports a failed restore with the apply error, and fits an oversized router error to the protocol", async () => {
    const { cc, driver, sent } = setup();
    await cc.init();
    const routerText = `[ protocols nhrp ]\nTunnel address must be /32\n${"Set failed\n".repeat(4000)}Commit failed`;
    driver.applyConfig = async () => {
      throw new ApplyError(`VyOS apply failed: ${routerText}`);
    };
    driver.rollback = async () => {
      throw new ApplyError("Load failed: /config/dmvpn/rollback.config.boot is not a config file");
    };
    const r = await cc.handleApply(apply("d1", good));
    expect(r.outcome).toBe("failed");
    const error = (r as { error: string }).error;
    expect(error.length).toBeLessThanOrEqual(TEXT_LIMITS.applyError);
    expect(error).toMatch(/^VyOS apply failed: \[ protocols nhrp \]\nTunnel address must be \/32/);
    expect(error).toMatch(/restoring the saved config failed: Load failed: .* is not a config file$/);
    expect(parseAgentMessage(JSON.stringify(agentMessage("apply-result", r))).ok).toBe(true);
    expect(sent).toEqual([]);
  });

  it("rolls back early when a registered spoke loses every hub after the grace period", async () => {
    const { cc, driver, sent } = setup();
    await cc.init();
    await cc.handleApply(apply("d0", good));
    await cc.handleConfirm("d0");
    await vi.advanceTimersByTimeAsync(2000);
    cc.observeStatus(await driver.collectStatus()); // registered
    await cc.handleApply(
      apply("d1", noHubs.concat([{ name: "frr.conf", content: "ip nhrp nhs dynamic nbma 192.0.2.99\n" }]), "h1", 600),
    );
    // the new hub does not answer
    (driver.fabric as SimFabric).setHubReachable("192.0.2.99", false);
    await vi.advanceTimersByTimeAsync(2000);
    cc.observeStatus(await driver.collectStatus());
    await vi.advanceTimersByTimeAsync(10);
    expect(cc.pending?.deploymentId).toBe("d1"); // still within grace
    await vi.advanceTimersByTimeAsync(4000);
    cc.observeStatus(await driver.collectStatus());
    await vi.advanceTimersByTimeAsync(10);
    expect(cc.pending).toBeNull();
    expect(sent[0]!.payload).toMatchObject({ outcome: "rolled-back", reason: /every hub/ });
    expect((await driver.readRunningConfig()).files).toEqual(good);
  });

  it("keeps rollback reports while disconnected and delivers them after reconnecting", async () => {
    const { cc, link, sent, store } = setup();
    await cc.init();
    await cc.handleApply(apply("d1", good, "h", 10));
    link.connected = false;
    await vi.advanceTimersByTimeAsync(11_000);
    expect(sent).toEqual([]);
    expect(store.state.outbox.map((m) => m.type)).toEqual(["apply-result", "event"]);
    link.connected = true;
    await cc.flushOutbox();
    expect(sent.map((m) => m.type)).toEqual(["apply-result", "event"]);
    expect(store.state.outbox).toEqual([]);
  });

  it("rolls back on start when a previous run died with a deployment pending", async () => {
    const first = setup();
    await first.cc.init();
    await first.cc.handleApply(apply("d0", good));
    await first.cc.handleConfirm("d0");
    await first.cc.handleApply(apply("d1", noHubs));
    first.cc.dispose();
    // a new process: same router, same state file
    const sent: AgentToConsole[] = [];
    const cc2 = new CommitConfirm({ driver: first.driver, store: first.store, send: () => false });
    await cc2.init();
    expect((await first.driver.readRunningConfig()).files).toEqual(good);
    expect(first.store.state.outbox[0]!.payload).toMatchObject({ outcome: "rolled-back", reason: /restarted/ });
    expect(sent).toEqual([]);
  });

  it("refuses config for another platform", async () => {
    const { cc } = setup();
    await cc.init();
    expect(await cc.handleApply({ ...apply("d1", good), target: "cisco-ios" })).toMatchObject({ outcome: "failed" });
  });

  it("changes the router only inside whileChanging and logs each step of an apply and a rollback with its duration", async () => {
    const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
    let changing = 0;
    const insideChange: boolean[] = [];
    const { cc, driver } = setup(true, {
      log: (_level, msg, fields) => void logs.push({ msg, fields }),
      whileChanging: async (fn) => {
        changing++;
        try {
          return await fn();
        } finally {
          changing--;
        }
      },
    });
    const applyConfig = driver.applyConfig.bind(driver);
    driver.applyConfig = async (files: ConfigFile[]) => {
      insideChange.push(changing > 0);
      await new Promise((r) => setTimeout(r, 1500)); // a slow reload
      return applyConfig(files);
    };
    const rollback = driver.rollback.bind(driver);
    driver.rollback = async (saved) => {
      insideChange.push(changing > 0);
      await new Promise((r) => setTimeout(r, 1500));
      return rollback(saved);
    };
    await cc.init();
    const applying = cc.handleApply(apply("d1", good, "h1", 30));
    await vi.advanceTimersByTimeAsync(1500);
    await applying;
    await vi.advanceTimersByTimeAsync(33_000); // no confirmation: rolled back
    expect(insideChange).toEqual([true, true]);
    const step = (msg: string) => logs.find((l) => l.msg === msg);
    expect(step("apply started")?.fields).toMatchObject({ deploymentId: "d1", files: ["gre.sh", "frr.conf"] });
    expect(step("apply save running config: done")?.fields).toMatchObject({ ms: expect.any(Number) });
    expect(step("apply driver apply: done")?.fields?.ms).toBeGreaterThanOrEqual(1500);
    expect(step("deployment applied, waiting for confirmation")?.fields).toMatchObject({ confirmWindowSeconds: 30 });
    expect(step("rollback: done")?.fields?.ms).toBeGreaterThanOrEqual(1500);
  });
});
