import type { AgentPlatform } from "@dmvpn/protocol";

export interface InstallScriptOptions {
  consoleUrl: string;
  token: string;
  platform: AgentPlatform;
}

/** Single-quote for POSIX sh. */
function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A POSIX sh installer the console serves: fetch the agent, install it, start it at boot, enrol with the one-time
 * token. VyOS gets the single-executable build under /config (survives image upgrades) started from the post-config
 * boot script; everything else gets the bundled .mjs for the system's node plus a systemd unit.
 */
export function renderInstallScript({ consoleUrl, token, platform }: InstallScriptOptions): string {
  const base = consoleUrl.replace(/\/+$/, "");
  if (!/^https?:\/\/[^\s'"`$\\]+$/.test(base))
    throw new Error("consoleUrl must be an http(s) URL without shell characters");
  const vyos = platform === "vyos-1.4" || platform === "vyos-1.5";
  const head = [
    "#!/bin/sh",
    "# DMVPN Console agent installer (generated)",
    "set -eu",
    `CONSOLE=${shq(base)}`,
    `TOKEN=${shq(token)}`,
    'fetch() { if command -v curl >/dev/null 2>&1; then curl -fsSL "$1" -o "$2"; else wget -qO "$2" "$1"; fi; }',
  ];
  if (vyos) {
    const version = platform === "vyos-1.4" ? "1.4" : "1.5";
    return [
      ...head,
      "DIR=/config/dmvpn-agent",
      'mkdir -p "$DIR" && chmod 700 "$DIR"',
      'fetch "$CONSOLE/agent/dmvpn-agent-linux-x64" "$DIR/dmvpn-agent.new"',
      'chmod 755 "$DIR/dmvpn-agent.new" && mv "$DIR/dmvpn-agent.new" "$DIR/dmvpn-agent"',
      `"$DIR/dmvpn-agent" enroll --console "$CONSOLE" --token "$TOKEN" --driver vyos --vyos-version ${version} --config "$DIR/config.json"`,
      "BOOT=/config/scripts/vyos-postconfig-bootup.script",
      'LINE="nohup $DIR/dmvpn-agent run --config $DIR/config.json >>/var/log/dmvpn-agent.log 2>&1 &"',
      'grep -qF "dmvpn-agent run" "$BOOT" 2>/dev/null || echo "$LINE" >> "$BOOT"',
      'nohup "$DIR/dmvpn-agent" run --config "$DIR/config.json" >>/var/log/dmvpn-agent.log 2>&1 &',
      'echo "dmvpn-agent installed in $DIR and started"',
      "",
    ].join("\n");
  }
  const driver = platform === "sim" ? "sim" : "frr";
  return [
    ...head,
    "DIR=/opt/dmvpn-agent",
    "CONF=/etc/dmvpn-agent/config.json",
    'command -v node >/dev/null 2>&1 || { echo "node (>= 20) is required" >&2; exit 1; }',
    ...(driver === "frr"
      ? [
          // frr.conf is applied through FRR's own frr-reload.py (Debian: frr-pythontools), which removes stale lines
          '[ -x /usr/lib/frr/frr-reload.py ] || { echo "FRR\'s frr-reload.py is required (Debian/Ubuntu: apt install frr-pythontools)" >&2; exit 1; }',
        ]
      : []),
    'mkdir -p "$DIR" /etc/dmvpn-agent && chmod 700 /etc/dmvpn-agent',
    'fetch "$CONSOLE/agent/dmvpn-agent.mjs" "$DIR/dmvpn-agent.mjs.new"',
    'mv "$DIR/dmvpn-agent.mjs.new" "$DIR/dmvpn-agent.mjs"',
    `node "$DIR/dmvpn-agent.mjs" enroll --console "$CONSOLE" --token "$TOKEN" --driver ${driver} --config "$CONF"`,
    "cat > /etc/systemd/system/dmvpn-agent.service <<'UNIT'",
    "[Unit]",
    "Description=DMVPN Console agent",
    "After=network-online.target frr.service",
    "Wants=network-online.target",
    "",
    "[Service]",
    "ExecStart=/usr/bin/env node /opt/dmvpn-agent/dmvpn-agent.mjs run --config /etc/dmvpn-agent/config.json",
    "Restart=always",
    "RestartSec=5",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now dmvpn-agent.service",
    'echo "dmvpn-agent installed and started"',
    "",
  ].join("\n");
}
