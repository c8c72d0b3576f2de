/**
 * A second distribution's root (Debian 13 with FRR 10 and strongSwan 6, built on the host by
 * scripts/debian-root.mjs) whose routers run chrooted inside their network namespace, beside routers on the host's
 * own FRR 8.4. The VM sees the host's `/` read-only over 9p, so the root is there already; what its daemons write
 * gets tmpfs (run, tmp, var/log), and what the agent (outside the chroot) hands to the chrooted tools is bound in
 * at the same path: its state directory (frr.conf candidates) and the charon directories (swanctl.conf, VICI
 * socket, strongswan.conf).
 */

/** where the agents keep their state in the VM; bound into the root so frr-reload.py sees the candidate files */
export const AGENT_STATE_DIR = "/run/dmvpn-agent";
/** the charons' directories (charon.ts); bound into the root so a chrooted charon and swanctl find them */
const CHARON_PARENT = "/var/tmp";

/** The VM path of `path` as seen inside `root` (or `path` itself when there is no root). */
export const underRoot = (root: string | undefined, path: string): string => (root ? `${root}${path}` : path);

/** sh that mounts what a chrooted FRR and charon need over the read-only root; run once, before any of them. */
export function frrRootMountScript(root: string): string {
  const lines = [
    `[ -x ${root}/usr/lib/frr/zebra ] || { echo "${root} has no FRR (scripts/debian-root.mjs builds it on the host)" >&2; exit 1; }`,
    `mkdir -p ${AGENT_STATE_DIR}`,
    // kernel views and devices: zebra reads /proc/sys, charon /dev/urandom
    `mount --bind /proc ${root}/proc`,
    `mount --bind /sys ${root}/sys`,
    `mount --bind /dev ${root}/dev`,
  ];
  for (const dir of ["/run", "/tmp", "/var/log"]) lines.push(`mount -t tmpfs -o mode=755 tmpfs ${root}${dir}`);
  lines.push(
    // a writable copy of its /etc/frr, for the per-router vtysh.conf (topology.ts)
    `cp -a ${root}/etc/frr /tmp/frr-root-etc-frr`,
    `mount --bind /tmp/frr-root-etc-frr ${root}/etc/frr`,
    `chmod 1777 ${root}/tmp`,
    `mkdir -p ${root}${AGENT_STATE_DIR} ${root}/run/frr`,
    `mount --bind ${AGENT_STATE_DIR} ${root}${AGENT_STATE_DIR}`,
    `mount --bind ${CHARON_PARENT} ${root}${CHARON_PARENT}`,
    "",
  );
  return lines.join("\n");
}
