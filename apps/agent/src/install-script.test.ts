import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderInstallScript } from "./install-script";

describe("renderInstallScript", () => {
  it("VyOS: SEA binary under /config/dmvpn-agent, started from the post-config boot script", () => {
    const s = renderInstallScript({
      consoleUrl: "https://console.example.net/",
      token: "tok-123",
      platform: "vyos-1.4",
    });
    expect(s.startsWith("#!/bin/sh\n")).toBe(true);
    expect(s).toContain("CONSOLE='https://console.example.net'");
    expect(s).toContain('"$CONSOLE/agent/dmvpn-agent-linux-x64"');
    expect(s).toContain("DIR=/config/dmvpn-agent");
    expect(s).toContain("/config/scripts/vyos-postconfig-bootup.script");
    expect(s).toContain("--driver vyos --vyos-version 1.4");
    expect(s).not.toContain("systemctl");
  });

  it("Linux: bundled .mjs and a systemd unit", () => {
    const s = renderInstallScript({ consoleUrl: "http://10.0.0.5:3000", token: "tok", platform: "frr-linux" });
    expect(s).toContain('"$CONSOLE/agent/dmvpn-agent.mjs"');
    expect(s).toContain("ExecStart=/usr/bin/env node /opt/dmvpn-agent/dmvpn-agent.mjs run");
    expect(s).toContain("systemctl enable --now dmvpn-agent.service");
    expect(s).toContain("--driver frr");
    expect(s).toContain("[ -x /usr/lib/frr/frr-reload.py ] || {");
    expect(renderInstallScript({ consoleUrl: "http://c", token: "t", platform: "sim" })).not.toContain("frr-reload");
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
