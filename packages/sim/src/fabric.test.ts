import { lostAllHubs } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { SimFabric } from "./fabric";
import { SimDriver } from "./sim-driver";

class ManualClock {
  t = 1_700_000_000_000;
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

const hubFiles = (tunnel: string) => [
  { name: "gre.sh", content: `ip addr add ${tunnel}/32 dev gre1\n` },
  { name: "frr.conf", content: "interface gre1\n ip nhrp redirect\n ip nhrp holdtime 300\nrouter bgp 65000\n" },
];
const spokeFiles = (tunnel: string, lan: string, hubs: [string, string][]) => [
  { name: "gre.sh", content: `ip addr add ${tunnel}/32 dev gre1\n` },
  {
    name: "frr.conf",
    content: [
      "interface gre1",
      ...hubs.map(([nbma]) => ` ip nhrp nhs dynamic nbma ${nbma}`),
      " ip nhrp shortcut",
      " ip nhrp holdtime 60",
      "router bgp 65000",
      ...hubs.map(([, t]) => ` neighbor ${t} remote-as 65000`),
      " address-family ipv4 unicast",
      `  network ${lan}`,
    ].join("\n"),
  },
];

async function network() {
  const clock = new ManualClock();
  const fabric = new SimFabric({ clock, autoHubs: false });
  const hub = new SimDriver(fabric, "hub1", "203.0.113.1");
  const s1 = new SimDriver(fabric, "s1", "198.51.100.11");
  const s2 = new SimDriver(fabric, "s2", "198.51.100.12");
  await hub.applyConfig(hubFiles("10.255.0.1"));
  await s1.applyConfig(spokeFiles("10.255.0.11", "192.168.11.0/24", [["203.0.113.1", "10.255.0.1"]]));
  await s2.applyConfig(spokeFiles("10.255.0.12", "192.168.12.0/24", [["203.0.113.1", "10.255.0.1"]]));
  return { clock, fabric, hub, s1, s2 };
}

describe("SimFabric", () => {
  it("registers spokes with the hub after the registration delay, then brings BGP up", async () => {
    const { clock, hub, s1 } = await network();
    expect((await s1.collectStatus()).nhs).toEqual([
      { interface: "gre1", nbma: "203.0.113.1", protocolAddress: null, registered: false },
    ]);
    clock.advance(1500);
    const st = await s1.collectStatus();
    expect(st.nhs[0]).toMatchObject({ registered: true, protocolAddress: "10.255.0.1" });
    expect(st.nhrpCache.map((c) => c.type)).toEqual(["local", "nhs"]);
    expect(st.bgpNeighbors[0]!.state).toBe("Active");
    clock.advance(3000);
    expect((await s1.collectStatus()).bgpNeighbors[0]).toMatchObject({ state: "Established", prefixesReceived: 2 });
    const hs = await hub.collectStatus();
    expect(
      hs.nhrpCache
        .filter((c) => c.type === "dynamic")
        .map((c) => c.protocolAddress)
        .sort(),
    ).toEqual(["10.255.0.11", "10.255.0.12"]);
    expect(hs.bgpNeighbors.map((n) => n.state)).toEqual(["Established", "Established"]);
  });

  it("creates shortcuts on traffic and expires them after the holdtime", async () => {
    const { clock, fabric, s1, s2 } = await network();
    expect(fabric.sendTraffic("s1", "s2")).toBe(false); // not registered yet
    clock.advance(1500);
    expect(fabric.sendTraffic("s1", "s2")).toBe(true);
    expect((await s1.collectStatus()).shortcuts).toEqual([
      { type: "dynamic", prefix: "192.168.12.0/24", via: "10.255.0.12", identity: null },
    ]);
    expect((await s2.collectStatus()).shortcuts[0]!.prefix).toBe("192.168.11.0/24");
    clock.advance(61_000);
    expect((await s1.collectStatus()).shortcuts).toEqual([]);
  });

  it("IPsec byte counters grow with time", async () => {
    const { clock, s1 } = await network();
    clock.advance(2000);
    const a = (await s1.collectStatus()).ipsecSas[0]!.children[0]!.bytesIn;
    clock.advance(10_000);
    const b = (await s1.collectStatus()).ipsecSas[0]!.children[0]!.bytesIn;
    expect(b).toBeGreaterThan(a);
  });

  it("a spoke dropping loses registration and recovers after coming back", async () => {
    const { clock, fabric, s1 } = await network();
    clock.advance(2000);
    fabric.setSiteUp("s1", false);
    expect(lostAllHubs(await s1.collectStatus())).toBe(true);
    fabric.setSiteUp("s1", true);
    clock.advance(1500);
    expect(lostAllHubs(await s1.collectStatus())).toBe(false);
  });

  it("a config without hubs never registers; a config without address is refused", async () => {
    const { clock, s1 } = await network();
    await s1.applyConfig([{ name: "gre.sh", content: "ip addr add 10.255.0.11/32 dev gre1\n" }]);
    clock.advance(5000);
    expect((await s1.collectStatus()).nhs).toEqual([]);
    await expect(s1.applyConfig([{ name: "frr.conf", content: "interface gre1\n" }])).rejects.toThrow(/no address/);
  });

  it("reads VyOS 1.5 set commands as well", async () => {
    const clock = new ManualClock();
    const fabric = new SimFabric({ clock });
    const d = new SimDriver(fabric, "v1");
    await d.applyConfig([
      {
        name: "commands.vyos",
        content: [
          "set interfaces tunnel tun0 address '10.255.0.21/32'",
          "set protocols nhrp tunnel tun0 nhs tunnel-ip 'dynamic' nbma '203.0.113.9'",
          "set protocols bgp neighbor 10.255.0.1 remote-as '65000'",
        ].join("\n"),
      },
    ]);
    clock.advance(1500);
    expect((await d.collectStatus()).nhs[0]).toMatchObject({
      nbma: "203.0.113.9",
      registered: true,
      protocolAddress: "10.255.0.1",
    });
    expect((await d.ping("10.255.0.1", undefined, 2)).received).toBe(2);
    expect((await d.ping("10.9.9.9", undefined, 2)).received).toBe(0);
  });

  it("a hand edit of the running config shows in `show running-config` and, when it parses, in the behaviour", async () => {
    const { clock, fabric, s1 } = await network();
    clock.advance(2000);
    const before = (await s1.show("running-config")).output;
    expect(before).toContain("network 192.168.11.0/24");
    fabric.editRunningConfig("s1", (files) =>
      files.map((f) =>
        f.name === "frr.conf" ? { ...f, content: f.content.replace("192.168.11.0/24", "192.168.99.0/24") } : f,
      ),
    );
    const after = (await s1.show("running-config")).output;
    expect(after).toContain("network 192.168.99.0/24");
    expect(after).not.toContain("192.168.11.0/24");
    expect(fabric.getConfig("s1")?.lanPrefixes).toEqual(["192.168.99.0/24"]);
    // what a rollback restores is what the router ran before the edit, as the agent saved it
    expect((await s1.readRunningConfig()).files.find((f) => f.name === "frr.conf")?.content).toContain(
      "192.168.99.0/24",
    );

    // an edit the simulator cannot read (the tunnel address gone) changes the shown config only
    fabric.editRunningConfig("s1", () => [{ name: "frr.conf", content: "interface gre1\n" }]);
    expect((await s1.show("running-config")).output).toBe("# frr.conf\ninterface gre1\n");
    expect(fabric.getConfig("s1")?.tunnelAddress).toBe("10.255.0.11");
  });
});
