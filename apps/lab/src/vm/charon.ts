/**
 * One strongSwan charon per router namespace (IPsec in the console lab). Each has its own strongswan.conf, a VICI
 * socket under /var/tmp/charon/<router>/ for that router's agent (`swanctl --uri`), and a private /run: charon's
 * pid file and default sockets live in /run, so two charons sharing it would find each other's and refuse to start.
 */

export const CHARON_BASE = "/var/tmp/charon";

export const charonDir = (router: string) => `${CHARON_BASE}/${router}`;
export const charonViciUri = (router: string) => `unix://${charonDir(router)}/charon.vici`;
/** the swanctl.conf the agent writes and loads alone into its router's charon */
export const charonSwanctlConf = (router: string) => `${charonDir(router)}/swanctl.conf`;

/** strongswan.conf for one router's charon; `logFile` gets IKE at level 1 (enough to see each SA come and go). */
export function strongswanConf(router: string, logFile: string): string {
  return `charon {
  load_modular = yes
  # transport mode only: no routes, no virtual IPs
  install_routes = no
  install_virtual_ip = no
  plugins {
    include /etc/strongswan.d/charon/*.conf
    vici {
      socket = ${charonViciUri(router)}
    }
  }
  filelog {
    lab {
      path = ${logFile}
      time_format = %T
      default = 1
      ike = 1
      knl = 1
      flush_line = yes
    }
  }
  syslog {
    daemon {
      default = -1
    }
  }
}
`;
}

/**
 * sh that starts the router's charon in its network namespace and a mount namespace of its own with a private
 * /run, then waits for its VICI socket. STRONGSWAN_CONF also reaches the agent's swanctl through --uri only.
 * With `root` (frr-root.ts), the root's charon runs chrooted there; its /var/tmp is the VM's (bound), so the
 * directory, socket and strongswan.conf have the same paths inside and out.
 */
export function charonStartScript(router: string, logDir: string, root?: string): string {
  const dir = charonDir(router);
  const socket = `${dir}/charon.vici`;
  const inRoot = (path: string) => (root ? `${root}${path}` : path);
  // The log directory (the run directory's logs/, under /run) is bound to <dir>/logs inside charon's mount
  // namespace before its private /run hides it.
  const charon = root ? `chroot ${root} /usr/lib/ipsec/charon` : "/usr/lib/ipsec/charon";
  const inner = `mount --bind ${logDir} ${inRoot(`${dir}/logs`)} && mount -t tmpfs -o mode=755 tmpfs ${inRoot("/run")} && exec ${charon}`;
  return [
    `mkdir -p ${dir}/logs`,
    `cat > ${dir}/strongswan.conf <<'EOF_SWAN'\n${strongswanConf(router, `${dir}/logs/${router}-charon.log`)}EOF_SWAN`,
    `STRONGSWAN_CONF=${dir}/strongswan.conf setsid nsenter --net=/run/netns/${router} unshare --mount --propagation private sh -c '${inner}' </dev/null >${dir}/charon.out 2>&1 &`,
    `i=0; while [ ! -S ${socket} ]; do i=$((i+1)); [ $i -gt 600 ] && { echo "${socket} never appeared" >&2; cat ${dir}/charon.out >&2; exit 1; }; sleep 0.1; done`,
    "",
  ].join("\n");
}
