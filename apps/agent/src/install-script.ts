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

export const SERVICE = "dmvpn-agent.service";
/** VyOS: everything under /config, the one directory an image upgrade carries over. */
export const VYOS_DIR = "/config/dmvpn-agent";
export const VYOS_BOOT_SCRIPT = "/config/scripts/vyos-postconfig-bootup.script";
/** Ends the one line the installer keeps in the boot script, so a re-install finds and replaces it. */
const BOOT_MARKER = "# dmvpn-agent";

/** The systemd unit: systemd restarts the agent whenever it exits (crash, kill, OOM). */
function unitFile(execStart: string, after: string): string[] {
  return [
    "[Unit]",
    "Description=DMVPN Console agent",
    `After=network-online.target ${after}`,
    "Wants=network-online.target",
    "",
    "[Service]",
    `ExecStart=${execStart}`,
    "Restart=always",
    "RestartSec=5",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ];
}

/**
 * VyOS: the single executable (VyOS has no Node), its config and its unit all live under /config. /etc and /run
 * belong to the running image, so the post-config boot script runs start.sh on every boot: it puts the unit into
 * systemd's runtime directory (/run/systemd/system, rebuilt each boot, so an old image never keeps a stale copy) and
 * starts it. `--no-block`: the boot script runs inside VyOS's own boot job, which a blocking start would wait on.
 */
function vyosBody(version: "1.4" | "1.5"): string[] {
  const exe = `${VYOS_DIR}/dmvpn-agent`;
  return [
    '[ -f /opt/vyatta/etc/functions/script-template ] || { echo "this installer is for VyOS (no /opt/vyatta/etc/functions/script-template)" >&2; exit 1; }',
    `DIR=${VYOS_DIR}`,
    'mkdir -p "$DIR" && chmod 700 "$DIR"',
    'fetch "$CONSOLE/agent/dmvpn-agent-linux-x64" "$DIR/dmvpn-agent.new"',
    'chmod 755 "$DIR/dmvpn-agent.new" && mv "$DIR/dmvpn-agent.new" "$DIR/dmvpn-agent"',
    `DMVPN_TOKEN="$TOKEN" "$DIR/dmvpn-agent" enroll --console "$CONSOLE" --driver vyos --vyos-version ${version} --config "$DIR/config.json"`,
    `cat > "$DIR/${SERVICE}" <<'UNIT'`,
    ...unitFile(`${exe} run --config ${VYOS_DIR}/config.json`, "vyos-router.service"),
    "UNIT",
    "cat > \"$DIR/start.sh\" <<'START'",
    "#!/bin/sh",
    `# Run by ${VYOS_BOOT_SCRIPT} at every boot: the unit kept in /config goes into systemd's runtime directory.`,
    "set -eu",
    "mkdir -p /run/systemd/system",
    `cp ${VYOS_DIR}/${SERVICE} /run/systemd/system/${SERVICE}`,
    "systemctl daemon-reload",
    `systemctl restart --no-block ${SERVICE}`,
    "START",
    'chmod 755 "$DIR/start.sh"',
    `BOOT=${VYOS_BOOT_SCRIPT}`,
    'mkdir -p "$(dirname "$BOOT")"',
    '[ -f "$BOOT" ] || { printf "#!/bin/sh\\n" > "$BOOT"; chmod 755 "$BOOT"; }',
    // Exactly one line, however often this runs; an older installer's `nohup … dmvpn-agent run …` line goes too.
    // Rewritten in place (cat >), so the file keeps its owner and mode.
    `grep -v -e '${BOOT_MARKER}$' -e 'dmvpn-agent run' "$BOOT" > "$BOOT.new" || true`,
    `echo "$DIR/start.sh ${BOOT_MARKER}" >> "$BOOT.new"`,
    'cat "$BOOT.new" > "$BOOT" && rm -f "$BOOT.new"',
    '"$DIR/start.sh"',
    'echo "dmvpn-agent installed in $DIR and started (systemctl status dmvpn-agent; journalctl -u dmvpn-agent)"',
  ];
}

function linuxBody(driver: "frr" | "sim"): string[] {
  return [
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
    `DMVPN_TOKEN="$TOKEN" node "$DIR/dmvpn-agent.mjs" enroll --console "$CONSOLE" --driver ${driver} --config "$CONF"`,
    `cat > /etc/systemd/system/${SERVICE} <<'UNIT'`,
    ...unitFile(
      "/usr/bin/env node /opt/dmvpn-agent/dmvpn-agent.mjs run --config /etc/dmvpn-agent/config.json",
      "frr.service",
    ),
    "UNIT",
    "systemctl daemon-reload",
    `systemctl enable ${SERVICE}`,
    `systemctl restart ${SERVICE}`,
    'echo "dmvpn-agent installed and started"',
  ];
}

/** Placeholders in the proxy install command, which the operator replaces with the router's SSH details. */
export const PROXY_PLACEHOLDERS = { host: "ROUTER_SSH_ADDRESS", user: "ROUTER_SSH_USER" } as const;

/**
 * Cisco IOS: a proxy agent on this Linux host drives the router over SSH. The router's address, user and key file
 * (or the name of a variable holding its password) come from the environment, so no credential is in a URL or argv.
 * One agent, config and systemd unit per router: run the installer once per router (a new token each time).
 */
function proxyBody(): string[] {
  const { host, user } = PROXY_PLACEHOLDERS;
  return [
    'command -v node >/dev/null 2>&1 || { echo "node (>= 20) is required" >&2; exit 1; }',
    `case "\${DMVPN_SSH_HOST:-${host}}" in ${host}) echo "set DMVPN_SSH_HOST to the router's SSH address" >&2; exit 1;; esac`,
    `case "\${DMVPN_SSH_USER:-${user}}" in ${user}) echo "set DMVPN_SSH_USER to a privilege-15 user on the router" >&2; exit 1;; esac`,
    'if [ -n "${DMVPN_SSH_KEY:-}" ]; then set -- --ssh-key "$DMVPN_SSH_KEY"',
    'elif [ -n "${DMVPN_SSH_PASSWORD_ENV:-}" ]; then set -- --ssh-password-env "$DMVPN_SSH_PASSWORD_ENV"',
    'else echo "set DMVPN_SSH_KEY to a private key file, or DMVPN_SSH_PASSWORD_ENV to the name of a variable holding the password" >&2; exit 1; fi',
    'if [ -n "${DMVPN_SSH_HOST_KEY:-}" ]; then set -- "$@" --ssh-host-key "$DMVPN_SSH_HOST_KEY"; fi',
    `NAME=$(printf %s "$DMVPN_SSH_HOST" | tr -c 'A-Za-z0-9.-' _)`,
    "DIR=/opt/dmvpn-agent",
    'CONF="/etc/dmvpn-agent/ios-$NAME.json"',
    'UNIT="dmvpn-agent-ios-$NAME.service"',
    'mkdir -p "$DIR" /etc/dmvpn-agent && chmod 700 /etc/dmvpn-agent',
    'fetch "$CONSOLE/agent/dmvpn-agent.mjs" "$DIR/dmvpn-agent.mjs.new"',
    'mv "$DIR/dmvpn-agent.mjs.new" "$DIR/dmvpn-agent.mjs"',
    'DMVPN_TOKEN="$TOKEN" node "$DIR/dmvpn-agent.mjs" enroll --console "$CONSOLE" --driver ios-ssh --config "$CONF" --ssh-host "$DMVPN_SSH_HOST" --ssh-port "${DMVPN_SSH_PORT:-22}" --ssh-user "$DMVPN_SSH_USER" "$@"',
    // a password reaches the service through an environment file only root reads; the operator fills it in
    'ENVFILE="/etc/dmvpn-agent/ios-$NAME.env"',
    'if [ -n "${DMVPN_SSH_PASSWORD_ENV:-}" ] && [ ! -f "$ENVFILE" ]; then ( umask 077; echo "$DMVPN_SSH_PASSWORD_ENV=" > "$ENVFILE" ); echo "put the router password after $DMVPN_SSH_PASSWORD_ENV= in $ENVFILE, then: systemctl restart $UNIT"; fi',
    'cat > "/etc/systemd/system/$UNIT" <<UNITFILE',
    ...unitFile('/usr/bin/env node /opt/dmvpn-agent/dmvpn-agent.mjs run --config "$CONF"', "").flatMap((l) =>
      l === "[Service]" ? [l, "EnvironmentFile=-$ENVFILE"] : [l],
    ),
    "UNITFILE",
    "systemctl daemon-reload",
    'systemctl enable "$UNIT"',
    'systemctl restart "$UNIT"',
    'echo "dmvpn-agent for $DMVPN_SSH_HOST installed and started ($UNIT)"',
  ];
}

/**
 * A POSIX sh installer the console serves: fetch the agent, enrol with the one-time token, run it under systemd
 * (restarted when it exits, started at boot). The token reaches the agent through its environment, never its
 * command line.
 */
export function renderInstallScript({ consoleUrl, token, platform }: InstallScriptOptions): string {
  const base = consoleUrl.replace(/\/+$/, "");
  if (!/^https?:\/\/[^\s'"`$\\]+$/.test(base))
    throw new Error("consoleUrl must be an http(s) URL without shell characters");
  const head = [
    "#!/bin/sh",
    "# DMVPN Console agent installer (generated)",
    "set -eu",
    `CONSOLE=${shq(base)}`,
    `TOKEN=${shq(token)}`,
    '[ "$(id -u)" = 0 ] || { echo "run the installer as root (… | sudo -E sh)" >&2; exit 1; }',
    'fetch() { if command -v curl >/dev/null 2>&1; then curl -fsSL "$1" -o "$2"; else wget -qO "$2" "$1"; fi; }',
  ];
  const body =
    platform === "vyos-1.4" || platform === "vyos-1.5"
      ? vyosBody(platform === "vyos-1.4" ? "1.4" : "1.5")
      : platform === "cisco-ios"
        ? proxyBody()
        : linuxBody(platform === "sim" ? "sim" : "frr");
  return [...head, ...body, ""].join("\n");
}
