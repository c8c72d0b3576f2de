import type { SiteEvent } from "./events";
import type { SiteStatus } from "./status";

const ESTABLISHED_IKE = "ESTABLISHED";

/** Events implied by going from one status to the next (registration, shortcuts, IKE SAs, BGP). */
export function deriveEvents(prev: SiteStatus, next: SiteStatus): SiteEvent[] {
  const at = next.collectedAt;
  const events: SiteEvent[] = [];

  const nhsBefore = new Map(prev.nhs.map((n) => [`${n.interface}|${n.nbma}`, n]));
  for (const n of next.nhs) {
    const old = nhsBefore.get(`${n.interface}|${n.nbma}`);
    const was = old?.registered ?? false;
    if (!was && n.registered) {
      events.push({
        kind: "registration-up",
        at,
        hubNbma: n.nbma,
        interface: n.interface,
        hubTunnelAddress: n.protocolAddress,
      });
    } else if (was && !n.registered) {
      events.push({ kind: "registration-lost", at, hubNbma: n.nbma, interface: n.interface });
    }
  }
  const nhsNow = new Set(next.nhs.map((n) => `${n.interface}|${n.nbma}`));
  for (const [key, old] of nhsBefore) {
    if (old.registered && !nhsNow.has(key)) {
      events.push({ kind: "registration-lost", at, hubNbma: old.nbma, interface: old.interface });
    }
  }

  const shortcutsBefore = new Map(prev.shortcuts.map((s) => [s.prefix, s]));
  const shortcutsNow = new Map(next.shortcuts.map((s) => [s.prefix, s]));
  for (const [prefix, s] of shortcutsNow) {
    if (!shortcutsBefore.has(prefix)) events.push({ kind: "shortcut-up", at, prefix, via: s.via });
  }
  for (const prefix of shortcutsBefore.keys()) {
    if (!shortcutsNow.has(prefix)) events.push({ kind: "shortcut-down", at, prefix });
  }

  const established = (s: SiteStatus) =>
    new Map(s.ipsecSas.filter((sa) => sa.state === ESTABLISHED_IKE).map((sa) => [`${sa.name}|${sa.uniqueId}`, sa]));
  const saBefore = established(prev);
  const saNow = established(next);
  for (const [key, sa] of saNow) {
    if (!saBefore.has(key))
      events.push({ kind: "sa-up", at, name: sa.name, uniqueId: sa.uniqueId, remoteHost: sa.remoteHost });
  }
  for (const [key, sa] of saBefore) {
    if (!saNow.has(key))
      events.push({ kind: "sa-down", at, name: sa.name, uniqueId: sa.uniqueId, remoteHost: sa.remoteHost });
  }

  const bgpBefore = new Map(prev.bgpNeighbors.map((n) => [n.address, n.state]));
  const bgpNow = new Map(next.bgpNeighbors.map((n) => [n.address, n.state]));
  for (const [neighbor, state] of bgpNow) {
    const from = bgpBefore.get(neighbor) ?? null;
    if (from !== state) events.push({ kind: "bgp-state-change", at, neighbor, from, to: state });
  }
  for (const [neighbor, state] of bgpBefore) {
    if (!bgpNow.has(neighbor)) events.push({ kind: "bgp-state-change", at, neighbor, from: state, to: null });
  }
  return events;
}

/** True when the router has hubs configured and is registered with none of them (a spoke cut off from the DMVPN). */
export function lostAllHubs(status: SiteStatus): boolean {
  return status.nhs.length > 0 ? status.nhs.every((n) => !n.registered) : false;
}
