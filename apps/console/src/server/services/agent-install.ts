import { existsSync } from "node:fs";
import path from "node:path";
import { PROXY_PLACEHOLDERS, renderInstallScript } from "@dmvpn/agent";
import type { AgentPlatform } from "@dmvpn/protocol";

/**
 * The public base URL agents and install commands use: PUBLIC_URL when set, else what the request came in on.
 */
export function consoleBaseUrl(req: Request): string {
  if (process.env.PUBLIC_URL) return process.env.PUBLIC_URL.replace(/\/+$/, "");
  const url = new URL(req.url);
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? url.host;
  const proto = req.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  return `${proto}://${host}`;
}

export function websocketUrlOf(base: string): string {
  return `${base.replace(/^http/, "ws")}/api/agent/ws`;
}

const TOKEN_PLACEHOLDER = "DMVPN-TOKEN-PLACEHOLDER";

/**
 * The installer, with the token read from DMVPN_TOKEN on the router: the secret travels on the router's command
 * line, never in a URL the console (or a proxy) logs.
 */
export function installScriptFor(base: string, platform: AgentPlatform): string {
  const script = renderInstallScript({ consoleUrl: base, token: TOKEN_PLACEHOLDER, platform });
  const line = `TOKEN='${TOKEN_PLACEHOLDER}'`;
  if (!script.includes(line)) throw new Error("install script template changed: token line not found");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a JS template
  return script.replace(line, 'TOKEN="${DMVPN_TOKEN:?set DMVPN_TOKEN to the enrolment token shown in the console}"');
}

/** The agent a site's platform runs: one frr-linux agent drives FRR 8.4 and FRR 10 alike (same files, same tools). */
export function agentPlatformOf(sitePlatform: string): AgentPlatform {
  return sitePlatform === "frr-linux-10" ? "frr-linux" : (sitePlatform as AgentPlatform);
}

/**
 * The command shown on the site page. The token is an environment assignment, so it is in no process's argv. VyOS
 * logs in as the `vyos` user: `sudo -E` keeps DMVPN_TOKEN for the root shell (`sudo VAR=…` would put it in argv).
 */
export function installCommand(base: string, platform: AgentPlatform, token: string): string {
  const shell = platform === "vyos-1.4" || platform === "vyos-1.5" ? "sudo -E sh" : "sh";
  // Cisco: run on a Linux host next to the router; the operator fills in the router's SSH details
  const proxy =
    platform === "cisco-ios"
      ? ` DMVPN_SSH_HOST=${PROXY_PLACEHOLDERS.host} DMVPN_SSH_USER=${PROXY_PLACEHOLDERS.user} DMVPN_SSH_KEY=/root/.ssh/id_ed25519`
      : "";
  return `curl -fsSL '${base}/api/agent/install.sh?platform=${platform}' | DMVPN_TOKEN='${token}'${proxy} ${shell}`;
}

/** Where the install command runs: on the router itself, or on a Linux host that reaches the router over SSH. */
export function agentMode(platform: string): "on-router" | "proxy" {
  return platform === "cisco-ios" ? "proxy" : "on-router";
}

/** Where the built agent files are: DMVPN_AGENT_DIST, or apps/agent/dist found from the working directory. */
export function agentDistDir(): string | null {
  const candidates = [
    process.env.DMVPN_AGENT_DIST,
    path.resolve(process.cwd(), "apps/agent/dist"),
    path.resolve(process.cwd(), "../agent/dist"),
    path.resolve(process.cwd(), "../../apps/agent/dist"),
  ].filter((c): c is string => !!c);
  return candidates.find((c) => existsSync(path.join(c, "dmvpn-agent.mjs"))) ?? null;
}

export const AGENT_FILES: Record<string, string> = {
  "dmvpn-agent.mjs": "text/javascript; charset=utf-8",
  "dmvpn-agent-linux-x64": "application/octet-stream",
};
