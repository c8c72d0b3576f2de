import type { ConfigFile } from "@dmvpn/protocol";
import { TestConsole } from "@dmvpn/protocol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimAgents } from "./sim-fleet";

const hub: ConfigFile[] = [
  { name: "gre.sh", content: "ip addr add 10.255.0.1/32 dev gre1\n" },
  { name: "frr.conf", content: "interface gre1\n ip nhrp redirect\nrouter bgp 65000\n" },
];
const spoke = (n: number, hubNbma: string): ConfigFile[] => [
  { name: "gre.sh", content: `ip addr add 10.255.0.${10 + n}/32 dev gre1\n` },
  {
    name: "frr.conf",
    content: `interface gre1\n ip nhrp nhs dynamic nbma ${hubNbma}\n ip nhrp shortcut\nrouter bgp 65000\n neighbor 10.255.0.1 remote-as 65000\n address-family ipv4 unicast\n  network 192.168.${n}.0/24\n`,
  },
];

let console_: TestConsole;
let fleet: Awaited<ReturnType<typeof startSimAgents>>;

beforeAll(async () => {
  console_ = await new TestConsole({ acceptAnyCredential: true, heartbeatSeconds: 2 }).start();
  fleet = await startSimAgents({
    count: 3,
    websocketUrl: console_.websocketUrl,
    statusIntervalMs: 200,
    siteId: (i) => (i === 0 ? "hub1" : `spoke${i}`),
  });
});

afterAll(async () => {
  fleet.stop();
  await console_.stop();
});

describe("several simulated agents in one process sharing a fabric", () => {
  it("register spokes with the hub and build a shortcut when spokes exchange traffic", async () => {
    await console_.waitUntil(
      () => ["hub1", "spoke1", "spoke2"].every((s) => console_.sites.get(s)?.status),
      10_000,
      "3 snapshots",
    );
    const hubNbma = fleet.fabric.nbmaOf("hub1");
    const deploy = async (siteId: string, files: ConfigFile[]) => {
      console_.send(siteId, "apply", {
        deploymentId: `d-${siteId}`,
        revision: 1,
        contentHash: siteId,
        target: "frr",
        files,
        confirmWindowSeconds: 60,
      });
      await console_.waitForMessage(
        "apply-result",
        (m) => m.payload.deploymentId === `d-${siteId}` && m.payload.outcome === "applied",
      );
      console_.send(siteId, "confirm", { deploymentId: `d-${siteId}` });
    };
    await deploy("hub1", hub);
    await deploy("spoke1", spoke(1, hubNbma));
    await deploy("spoke2", spoke(2, hubNbma));
    await console_.waitUntil(
      () => console_.sites.get("hub1")?.status?.nhrpCache.filter((c) => c.type === "dynamic").length === 2,
      10_000,
      "both spokes registered at the hub",
    );
    expect(fleet.fabric.sendTraffic("spoke1", "spoke2")).toBe(true);
    await console_.waitUntil(
      () => console_.sites.get("spoke1")?.events.find((e) => e.kind === "shortcut-up" && e.prefix === "192.168.2.0/24"),
      10_000,
      "shortcut-up event",
    );
    expect(console_.sites.get("spoke1")!.status!.shortcuts).toEqual([
      { type: "dynamic", prefix: "192.168.2.0/24", via: "10.255.0.12", identity: null },
    ]);
    // spoke2's own report must show it registered first, or there is nothing for it to lose
    await console_.waitUntil(
      () => console_.sites.get("spoke2")?.status?.nhs.some((n) => n.registered),
      10_000,
      "spoke2 reports its registration",
    );
    fleet.fabric.setSiteUp("spoke2", false);
    await console_.waitUntil(
      () => console_.sites.get("spoke2")?.events.find((e) => e.kind === "registration-lost"),
      10_000,
      "registration-lost",
    );
    expect(console_.snapshotsRequestedTotal()).toBe(0);
  });
});
