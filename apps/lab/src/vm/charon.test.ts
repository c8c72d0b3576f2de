import { describe, expect, it } from "vitest";
import { charonStartScript, charonViciUri, strongswanConf } from "./charon";

describe("one charon per router namespace", () => {
  it("gives each router its own VICI socket, named in its strongswan.conf", () => {
    expect(charonViciUri("hub1")).toBe("unix:///var/tmp/charon/hub1/charon.vici");
    expect(charonViciUri("hub1")).not.toBe(charonViciUri("hub2"));
    const conf = strongswanConf("spoke1", "/var/tmp/charon/spoke1/logs/spoke1-charon.log");
    expect(conf).toContain("socket = unix:///var/tmp/charon/spoke1/charon.vici");
    expect(conf).toContain("path = /var/tmp/charon/spoke1/logs/spoke1-charon.log");
  });

  it("starts charon in the router's network namespace with a private /run, after binding the log directory", () => {
    const script = charonStartScript("spoke2", "/run/lab/logs");
    const start = script.split("\n").find((l) => l.includes("/usr/lib/ipsec/charon")) ?? "";
    expect(start).toContain("STRONGSWAN_CONF=/var/tmp/charon/spoke2/strongswan.conf");
    expect(start).toContain("nsenter --net=/run/netns/spoke2 unshare --mount --propagation private");
    // the bind must come before the tmpfs hides /run/lab
    expect(start.indexOf("mount --bind /run/lab/logs")).toBeLessThan(start.indexOf("tmpfs /run"));
    expect(script).toContain("while [ ! -S /var/tmp/charon/spoke2/charon.vici ]");
  });

  it("runs the root's charon chrooted, its log bound and its private /run mounted inside the root", () => {
    const root = "/var/cache/dmvpn/debian-trixie-root";
    const start =
      charonStartScript("hub2", "/run/lab/logs", root)
        .split("\n")
        .find((l) => l.includes("charon'")) ?? "";
    expect(start).toContain(`mount --bind /run/lab/logs ${root}/var/tmp/charon/hub2/logs`);
    expect(start).toContain(`tmpfs ${root}/run && exec chroot ${root} /usr/lib/ipsec/charon`);
    expect(start).toContain("STRONGSWAN_CONF=/var/tmp/charon/hub2/strongswan.conf");
  });
});
