import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { agentPlatformOf, installCommand, installScriptFor } from "./agent-install";

describe("install command and script", () => {
  it("VyOS runs the installer through sudo -E, so DMVPN_TOKEN reaches root's shell without entering any argv", () => {
    const vyos = installCommand("https://c.example", "vyos-1.5", "tok-1");
    expect(vyos).toBe(
      "curl -fsSL 'https://c.example/api/agent/install.sh?platform=vyos-1.5' | DMVPN_TOKEN='tok-1' sudo -E sh",
    );
    expect(installCommand("https://c.example", "frr-linux", "tok-1")).toMatch(/\| DMVPN_TOKEN='tok-1' sh$/);
  });

  it("Cisco IOS: the proxy form, with placeholders for the router's SSH details and no credential", () => {
    expect(installCommand("https://c.example", "cisco-ios", "tok-1")).toBe(
      "curl -fsSL 'https://c.example/api/agent/install.sh?platform=cisco-ios' | DMVPN_TOKEN='tok-1' " +
        "DMVPN_SSH_HOST=ROUTER_SSH_ADDRESS DMVPN_SSH_USER=ROUTER_SSH_USER DMVPN_SSH_KEY=/root/.ssh/id_ed25519 sh",
    );
  });

  it("an FRR 10 site installs the same frr-linux agent as an FRR 8.4 one", () => {
    expect(agentPlatformOf("frr-linux-10")).toBe("frr-linux");
    expect(agentPlatformOf("frr-linux")).toBe("frr-linux");
    expect(agentPlatformOf("vyos-1.5")).toBe("vyos-1.5");
  });

  it("the served script takes the token from DMVPN_TOKEN and is valid sh", () => {
    for (const platform of ["vyos-1.4", "vyos-1.5", "frr-linux", "cisco-ios"] as const) {
      const script = installScriptFor("https://c.example", platform);
      expect(script).toContain('TOKEN="${DMVPN_TOKEN:?set DMVPN_TOKEN');
      expect(script).not.toContain("PLACEHOLDER");
      execFileSync("sh", ["-n"], { input: script });
    }
  });
});
