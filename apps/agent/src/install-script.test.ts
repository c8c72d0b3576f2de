import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderInstallScript } from "./install-script";

describe("renderInstallScript", () => {
  it("VyOS: SEA binary, config and unit under /config; started by systemd from the post-config boot script", () => {
    const s = renderInstallScript({
      consoleUrl: "https://console.example.net/",
      token: "tok-123",
      platform: "vyos-1.4",
    });
    expect(s.startsWith("#!/bin/sh\n")).toBe(true);
    expect(s).toContain("CONSOLE='https://console.example.net'");
    expect(s).toContain('"$CONSOLE/agent/dmvpn-agent-linux-x64"');
    expect(s).toContain("DIR=/config/dmvpn-agent");
    expect(s).toContain("--driver vyos --vyos-version 1.4");
    expect(s).toContain("\nExecStart=/config/dmvpn-agent/dmvpn-agent run --config /config/dmvpn-agent/config.json\n");
    expect(s).toContain("\nRestart=always\n");
    expect(s).toContain("cp /config/dmvpn-agent/dmvpn-agent.service /run/systemd/system/dmvpn-agent.service");
    expect(s).toContain("systemctl restart --no-block dmvpn-agent.service");
    expect(s).toContain("BOOT=/config/scripts/vyos-postconfig-bootup.script");
    expect(s).not.toContain("nohup");
  });

  it("Linux: bundled .mjs and a systemd unit", () => {
    const s = renderInstallScript({ consoleUrl: "http://10.0.0.5:3000", token: "tok", platform: "frr-linux" });
    expect(s).toContain('"$CONSOLE/agent/dmvpn-agent.mjs"');
    expect(s).toContain("ExecStart=/usr/bin/env node /opt/dmvpn-agent/dmvpn-agent.mjs run");
    expect(s).toContain("\nRestart=always\n");
    expect(s).toContain("systemctl enable dmvpn-agent.service");
    expect(s).toContain("--driver frr");
    expect(s).toContain("[ -x /usr/lib/frr/frr-reload.py ] || {");
    expect(renderInstallScript({ consoleUrl: "http://c", token: "t", platform: "sim" })).not.toContain("frr-reload");
  });

  it("Cisco IOS: a proxy agent per router on this host, SSH details from the environment, placeholders refused", () => {
    const s = renderInstallScript({ consoleUrl: "http://10.0.0.5:3000", token: "tok", platform: "cisco-ios" });
    execFileSync("sh", ["-n"], { input: s });
    expect(s).toContain("--driver ios-ssh");
    expect(s).toContain('--ssh-host "$DMVPN_SSH_HOST"');
    expect(s).toContain('CONF="/etc/dmvpn-agent/ios-$NAME.json"');
    expect(s).toContain('\nExecStart=/usr/bin/env node /opt/dmvpn-agent/dmvpn-agent.mjs run --config "$CONF"\n');
    expect(s).toContain("\nEnvironmentFile=-$ENVFILE\n");
    // stops before enrolling (which spends the token) while the command's placeholders are still in place
    let out = "";
    try {
      execFileSync("sh", ["-c", s.replace('[ "$(id -u)" = 0 ]', "true")], {
        env: { PATH: process.env.PATH, DMVPN_SSH_HOST: "ROUTER_SSH_ADDRESS", DMVPN_SSH_USER: "admin" },
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (e) {
      out = String((e as { stderr: Buffer }).stderr);
    }
    expect(out).toContain("set DMVPN_SSH_HOST to the router's SSH address");
  });

  it("hands the token to the agent in its environment, never as an argument", () => {
    for (const platform of ["vyos-1.4", "vyos-1.5", "frr-linux", "cisco-ios", "sim"] as const) {
      const s = renderInstallScript({ consoleUrl: "http://c", token: "t", platform });
      expect(s).not.toContain("--token");
      expect(s).toMatch(/^DMVPN_TOKEN="\$TOKEN" \S*dmvpn-agent\S* enroll |^DMVPN_TOKEN="\$TOKEN" node \S+ enroll /m);
    }
  });

  it("quotes the token for the shell and is valid POSIX sh", () => {
    const s = renderInstallScript({ consoleUrl: "https://c.example", token: "a'b$(reboot)", platform: "frr-linux" });
    expect(s).toContain(`TOKEN='a'\\''b$(reboot)'`);
    execFileSync("sh", ["-n"], { input: s });
    execFileSync("sh", ["-n"], {
      input: renderInstallScript({ consoleUrl: "https://c.example", token: "t", platform: "vyos-1.5" }),
    });
  });

  it("refuses a console URL with shell characters", () => {
    expect(() => renderInstallScript({ consoleUrl: "https://x/$(id)", token: "t", platform: "frr-linux" })).toThrow();
  });
});
