#!/bin/sh
# PID 1 of the lab VM. The root is the host's / over 9p, read-only; everything writable is tmpfs, except the
# run directory the host shares as "labrun" (job script in, exit code and captures out).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp

mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
for dir in /run /var/log /var/tmp /tmp; do mount -t tmpfs -o mode=1777 tmpfs "$dir"; done
chmod 755 /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null

# The repository (scenarios, the agent, node_modules) is part of the shared root, unless it sits under one of the
# directories just covered by a tmpfs (a clone under /tmp): then it comes from its own share.
repo=$(sed -n 's/.*lab\.repo=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "$repo" ] && [ ! -d "$repo/apps/lab" ]; then
  mkdir -p "$repo"
  if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro labrepo "$repo"; then
    echo "LAB-SCENARIO-EXIT 126"
    poweroff -f
  fi
fi

mkdir -p /run/lab
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 labrun /run/lab; then
  echo "LAB-SCENARIO-EXIT 125"
  poweroff -f
fi

# esp4 + xfrm_user: IPsec (one charon per router); NAT-T's ESP-in-UDP is part of esp4
for module in ip_gre dummy veth bridge nfnetlink_log xt_NFLOG xt_hashlimit xt_MASQUERADE iptable_nat iptable_filter \
  esp4 xfrm_user xfrm4_tunnel ah4 af_packet; do
  modprobe "$module" || echo "lab init: modprobe $module failed"
done

hostname lab
ip link set lo up
# qemu user networking: the host is 10.0.2.2 (its 127.0.0.1 ports are reachable there).
ip link set eth0 up 2>/dev/null && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2

mkdir -p /run/frr /var/tmp/frr /run/netns
chown frr:frr /run/frr /var/tmp/frr

echo "LAB-INIT-READY $(cut -d' ' -f1 /proc/uptime)"
cd /run/lab || exit 1
sh /run/lab/job.sh </dev/null
status=$?
echo "$status" >/run/lab/exit-code
sync
echo "LAB-SCENARIO-EXIT $status"
poweroff -f
