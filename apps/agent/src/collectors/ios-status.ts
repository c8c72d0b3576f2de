import { type IpsecSa, type NhrpCacheEntry, SiteStatus } from "@dmvpn/protocol";
import { parseIosBgpSummary } from "./ios-bgp";
import { type IosCryptoSession, type IosDmvpnInterface, type IosDmvpnPeer, parseIosDmvpn } from "./ios-dmvpn";
import { type IosIkev2Sa, parseIosIkev2Sas } from "./ios-ikev2";
import { type IosNhrpEntry, parseIosNhrp } from "./ios-nhrp";
import { isIpAddress, sameInterface } from "./ios-text";
import { CollectorError } from "./vtysh-output";

/** The show commands one status collection runs on a Cisco IOS / IOS-XE router (over SSH, by the IOS driver). */
export const IOS_STATUS_COMMANDS = {
  dmvpn: "show dmvpn detail",
  ikev2: "show crypto ikev2 sa detailed",
  nhrp: "show ip nhrp",
  bgp: "show ip bgp summary",
} as const;

/** Each command's output as the router printed it (CRLF, pager-free). */
export type IosStatusOutputs = { [K in keyof typeof IOS_STATUS_COMMANDS]: string };

/** IKEv2 SA states in the vocabulary the console reads (strongSwan's): READY is an established SA. */
const IKE_STATES: Record<string, string> = { READY: "ESTABLISHED", "IN-NEG": "CONNECTING", DELETE: "DELETING" };

function cacheType(e: IosNhrpEntry): NhrpCacheEntry["type"] {
  if (e.type === "static") return "static";
  if (e.type === "incomplete") return e.flags.includes("negative") ? "negative" : "incomplete";
  // a temporary entry stands in (pointing at the hub) while the spoke-to-spoke resolution is pending
  if (e.flags.includes("temporary")) return "incomplete";
  if (e.type === "dynamic") return e.flags.includes("local") ? "local" : "dynamic";
  return "invalid";
}

function isPeerEntry(e: IosNhrpEntry): boolean {
  return e.prefix === e.via && e.prefixLength === (e.prefix.includes(":") ? 128 : 32);
}

/** The tunnel's crypto sessions by peer NBMA address (a hub lists hundreds: no scan per entry). */
function sessionsByPeer(sessions: IosCryptoSession[], tunnel: string): Map<string, IosCryptoSession> {
  const byPeer = new Map<string, IosCryptoSession>();
  for (const s of sessions) {
    if (s.remote && sameInterface(s.interface, tunnel) && !byPeer.has(s.remote)) byPeer.set(s.remote, s);
  }
  return byPeer;
}

function nhrpCache(
  entries: IosNhrpEntry[],
  dmvpn: IosDmvpnInterface | undefined,
  sessions: Map<string, IosCryptoSession>,
  tunnel: string,
): SiteStatus["nhrpCache"] {
  const rows = new Map<string, IosDmvpnPeer>();
  for (const p of dmvpn?.peers ?? []) if (!rows.has(p.tunnelAddress)) rows.set(p.tunnelAddress, p);
  return entries.filter(isPeerEntry).map((e) => {
    const type = cacheType(e);
    const row = rows.get(e.via);
    return {
      interface: e.interface ?? tunnel,
      type,
      protocolAddress: e.via,
      // an incomplete entry has no NBMA address yet; "" as the other collectors report an unknown one
      nbma: e.nbma ?? "",
      claimedNbma: e.claimedNbma ?? e.nbma,
      expiresInSeconds: e.expiresInSeconds,
      flags: {
        used: e.flags.includes("used"),
        timeout: e.expiresInSeconds !== null,
        // IOS does not say whether an entry came authenticated; like opennhrp's collector, no flag
        auth: false,
        // `show dmvpn` has the peer's state; an entry it does not list (this router's own) follows FRR's rule
        up: row ? row.state === "UP" : type !== "incomplete" && type !== "negative",
      },
      // the peer's IKE identity, when `show dmvpn detail` listed its crypto session
      identity: (e.nbma && sessions.get(e.nbma)?.phase1Id) || null,
    };
  });
}

function ipsecSa(sa: IosIkev2Sa): IpsecSa {
  const established = sa.status === "READY";
  return {
    // IOS names no connection; its tunnel-id is what `clear crypto ikev2 sa` and its logs use
    name: `IKEv2 SA ${sa.tunnelId}`,
    uniqueId: sa.tunnelId,
    state: IKE_STATES[sa.status] ?? sa.status,
    localHost: sa.local,
    remoteHost: sa.remote,
    remoteId: sa.remoteId,
    establishedSeconds: established ? sa.activeSeconds : null,
    natRemote: sa.nat === "remote",
    // Child SAs and their byte counters are `show crypto ipsec sa`'s, not collected: the protocol's child entries
    // need byte counts, which none of these four commands print.
    children: [],
  };
}

/**
 * One Cisco site's status from the four show outputs, in the protocol's platform-neutral shape, narrowed to the
 * DMVPN tunnel the site is managed on (a router may carry other tunnels and DMVPN clouds).
 *
 * What IOS does not give here:
 * - `tunnels`: the protocol needs byte and packet counters (not nullable), which only `show interfaces` prints; so
 *   none are reported (the console shows the tunnel state as unknown) rather than made-up zeros. The line state
 *   from `show dmvpn detail` (`up/up`) is parsed (parseIosDmvpn) for when the protocol can carry it.
 * - IPsec child SAs and byte counts (see ipsecSa); IKE SAs are listed for all tunnels, as IOS does not tie an IKE SA
 *   to an interface.
 * - NHRP entry authentication (flags.auth is false).
 *
 * Throws a CollectorError naming the command when IOS refused one (`% Invalid input ...`), or naming the field when
 * the router's text does not fit the protocol's limits; an empty output or one it cannot read yields empty lists.
 */
export function buildIosStatus(outputs: IosStatusOutputs, context: { tunnelInterface: string; now: Date }): SiteStatus {
  const tunnel = context.tunnelInterface;
  const dmvpn = parseIosDmvpn(outputs.dmvpn);
  const dmvpnIf = dmvpn.interfaces.find((i) => sameInterface(i.name, tunnel));
  const sessions = sessionsByPeer(dmvpn.sessions, tunnel);
  const entries = parseIosNhrp(outputs.nhrp).filter((e) => e.interface !== null && sameInterface(e.interface, tunnel));
  const sas = parseIosIkev2Sas(outputs.ikev2);
  const bgp = parseIosBgpSummary(outputs.bgp);

  const nhs = (dmvpnIf?.nhs ?? []).map((n) => {
    const registered = n.flags.includes("R");
    const nbma =
      dmvpnIf?.peers.find((p) => p.tunnelAddress === n.address && isIpAddress(p.nbma))?.nbma ??
      entries.find((e) => e.via === n.address && e.type === "static")?.nbma;
    return {
      interface: dmvpnIf?.name ?? tunnel,
      // unknown when neither output maps the hub to its NBMA address
      nbma: nbma ?? "",
      protocolAddress: registered ? n.address : null,
      registered,
    };
  });

  const shortcuts = entries
    .filter((e) => e.shortcut && !e.flags.includes("local"))
    .map((e) => ({ type: e.type, prefix: `${e.prefix}/${e.prefixLength}`, via: e.via, identity: null }));

  // NBMA-to-NBMA tunnels need this router's own NBMA address, which only `detail` prints (Tunnel Src.)
  const source = dmvpnIf?.source;
  const nbmaPeers = source ? [...new Set(dmvpnIf.peers.map((p) => p.nbma).filter(isIpAddress))] : [];
  const dmvpnPeers = nbmaPeers.map((nbma) => {
    const session = sessions.get(nbma);
    return {
      source: source ?? "",
      destination: nbma,
      notifierActive: session?.status === "UP-ACTIVE",
      // IOS counts each direction's SA (2 for one inbound + one outbound)
      installedSas: session?.activeSas ?? 0,
      identity: session?.phase1Id ?? null,
    };
  });

  const status = SiteStatus.safeParse({
    collectedAt: context.now.toISOString(),
    tunnels: [],
    nhrpCache: nhrpCache(entries, dmvpnIf, sessions, tunnel),
    nhs,
    shortcuts,
    dmvpnPeers,
    ipsecSas: sas.map(ipsecSa),
    bgpNeighbors: bgp.neighbors.map((n) => ({
      address: n.address,
      remoteAs: n.remoteAs,
      state: n.state,
      prefixesReceived: n.prefixesReceived,
      // Up/Down is the time in the current state: an uptime only while Established
      uptimeSeconds: n.state === "Established" ? n.upDownSeconds : null,
    })),
  });
  if (status.success) return status.data;
  // text the parsers took from the router that the protocol cannot carry (an over-long field, too many entries)
  const issue = status.error.issues[0]!;
  throw new CollectorError(`IOS status does not fit the protocol at ${issue.path.join(".")}: ${issue.message}`);
}
