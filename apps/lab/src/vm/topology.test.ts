import { describe, expect, it } from "vitest";
import { smokeTopology } from "../scenarios/smoke-inventory";
import { frrRootMountScript } from "./frr-root";
import { FRR10_DAEMONS, frrStartScript, shellQuote, topologyScript } from "./topology";

describe("topologyScript", () => {
  const { script, mgmtAddresses } = topologyScript(smokeTopology);
  const lines = script.trim().split("\n");

  it("never creates an interface under a name the VM's root namespace already has", () => {
    expect(lines.filter((l) => /^ip link add (eth0|mgmt0)\b/.test(l))).toEqual([]);
    expect(lines).toContain("ip link set vtmp0a netns nat1 name eth0");
  });

  it("puts the NATed spoke behind the NAT namespace and masquerades there", () => {
    expect(lines).toContain("ip -n spoke3 route add default via 192.168.100.1");
    expect(lines).toContain("nsenter --net=/run/netns/nat1 iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE");
    expect(lines.some((l) => l.includes("i-spoke3"))).toBe(false);
    expect(lines).toContain("ip -n internet link set i-spoke1 master br0 up");
  });

  it("gives every router a distinct management address and a host route over it", () => {
    const addresses = [...mgmtAddresses.values()];
    expect(new Set(addresses).size).toBe(smokeTopology.routers.length);
    for (const router of smokeTopology.routers) {
      expect(lines).toContain(`ip -n ${router.name} route add 10.0.2.2/32 via 172.30.0.1`);
    }
  });

  it("rejects a router behind a NAT that does not exist", () => {
    expect(() => topologyScript({ routers: [{ name: "r1", wanAddress: "10.0.0.2/24", behindNat: "nope" }] })).toThrow(
      /no NAT named nope/,
    );
  });
});

describe("frrStartScript", () => {
  it("starts zebra first and waits for its socket before the other daemons", () => {
    const lines = frrStartScript("hub1", ["zebra", "staticd", "nhrpd"]).trim().split("\n");
    const zebra = lines.findIndex((l) => l.includes("/usr/lib/frr/zebra -N hub1"));
    const wait = lines.findIndex((l) => l.includes("/run/frr/hub1/zserv.api"));
    const nhrpd = lines.findIndex((l) => l.includes("/usr/lib/frr/nhrpd -N hub1"));
    expect(zebra).toBeGreaterThanOrEqual(0);
    expect(wait).toBeGreaterThan(zebra);
    expect(nhrpd).toBeGreaterThan(wait);
    expect(lines.at(-1)).toContain("/run/frr/hub1/nhrpd.vty");
  });
});

describe("FRR 10 from a Debian 13 root (chrooted in the namespace)", () => {
  const root = "/var/cache/dmvpn/debian-trixie-root";
  const lines = frrStartScript("hub2", FRR10_DAEMONS, root).trim().split("\n");
  const start = (daemon: string) => lines.findIndex((l) => l.includes(`/usr/lib/frr/${daemon} -N hub2`));

  it("starts mgmtd first and waits for it, then zebra, chrooted, without -f where FRR 10 has none", () => {
    expect(start("mgmtd")).toBeGreaterThanOrEqual(0);
    expect(lines[start("mgmtd") + 1]).toContain(`${root}/run/frr/hub2/mgmtd.vty`);
    expect(start("zebra")).toBeGreaterThan(start("mgmtd"));
    expect(lines[start("zebra")]).toContain(`nsenter --net=/run/netns/hub2 chroot ${root} /usr/lib/frr/zebra`);
    expect(lines[start("zebra")]).toContain("-f /run/frr/hub2/zebra.conf");
    expect(lines[start("mgmtd")]).not.toContain(" -f ");
    expect(lines[start("staticd")]).not.toContain(" -f ");
    // the root's own user frr owns the daemons' directories, and vtysh gets an (empty) vtysh.conf
    expect(lines).toContain(`chroot ${root} chown frr:frr /var/log/frr /run/frr/hub2 /var/log/frr/hub2`);
    expect(lines).toContain(`: > ${root}/etc/frr/hub2/vtysh.conf`);
  });

  it("mounts writable directories over the read-only root and binds in what the agent hands its tools", () => {
    const mounts = frrRootMountScript(root).trim().split("\n");
    for (const dir of ["/run", "/tmp", "/var/log"])
      expect(mounts).toContain(`mount -t tmpfs -o mode=755 tmpfs ${root}${dir}`);
    expect(mounts).toContain(`mount --bind /run/dmvpn-agent ${root}/run/dmvpn-agent`);
    expect(mounts).toContain(`mount --bind /var/tmp ${root}/var/tmp`);
    // the agent directory is created in the root's /run only after its tmpfs is there
    const tmpfsRun = mounts.indexOf(`mount -t tmpfs -o mode=755 tmpfs ${root}/run`);
    expect(mounts.findIndex((l) => l.includes(`${root}/run/dmvpn-agent`))).toBeGreaterThan(tmpfsRun);
  });
});

describe("shellQuote", () => {
  it("leaves plain words alone and single-quotes anything else", () => {
    expect(shellQuote("203.0.113.1/24")).toBe("203.0.113.1/24");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
