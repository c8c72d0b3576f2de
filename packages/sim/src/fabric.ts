import type {
  BgpNeighbor,
  ConfigFile,
  DmvpnPeer,
  IpsecSa,
  NhrpCacheEntry,
  NhrpShortcut,
  NhsRegistration,
  SiteStatus,
} from "@dmvpn/protocol";
import { parseSimConfig, type SimConfig } from "./sim-config";

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface SimFabricOptions {
  clock?: Clock;
  /** hubs named in a config but not simulated in this fabric answer anyway (a lone sim agent still registers) */
  autoHubs?: boolean;
  registrationDelayMs?: number;
  bgpDelayMs?: number;
  /** bytes per second each SA carries without user traffic (keepalives, routing) */
  idleBytesPerSecond?: number;
}

interface SimRouter {
  siteId: string;
  nbma: string;
  up: boolean;
  upSince: number;
  config: SimConfig | null;
  /** the running config as the router would show it; what the simulated behaviour follows is `config` */
  files: ConfigFile[];
  appliedAt: number;
}

interface Shortcut {
  a: string;
  b: string;
  createdAt: number;
  expiresAt: number;
  bytes: number;
}

const TUNNEL_IF = "gre1";

/**
 * A shared in-memory "internet + NBMA" for simulated routers. State is derived from timestamps when asked, so an
 * injected clock drives registration, BGP session establishment and shortcut expiry without timers.
 */
export class SimFabric {
  readonly clock: Clock;
  private readonly routers = new Map<string, SimRouter>();
  private readonly hubOutages = new Map<string, number | null>(); // nbma -> null while down, else reachable since
  private readonly shortcuts = new Map<string, Shortcut>();
  private readonly opts: Required<Omit<SimFabricOptions, "clock">>;
  private nbmaCounter = 0;

  constructor(options: SimFabricOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.opts = {
      autoHubs: options.autoHubs ?? true,
      registrationDelayMs: options.registrationDelayMs ?? 1000,
      bgpDelayMs: options.bgpDelayMs ?? 2000,
      idleBytesPerSecond: options.idleBytesPerSecond ?? 200,
    };
  }

  /** Attach a router; its NBMA address defaults to a unique 198.51.100.x / 198.18.x.y address. */
  addRouter(siteId: string, nbma?: string): void {
    if (this.routers.has(siteId)) return;
    const n = ++this.nbmaCounter;
    const address = nbma ?? `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`;
    this.routers.set(siteId, {
      siteId,
      nbma: address,
      up: true,
      upSince: this.clock.now(),
      config: null,
      files: [],
      appliedAt: 0,
    });
  }

  /** What the router runs from now on; `files` is its running config as shown (defaults to none). */
  setConfig(siteId: string, config: SimConfig | null, files: ConfigFile[] = []): void {
    const r = this.router(siteId);
    r.config = config;
    r.files = files.map((f) => ({ ...f }));
    r.appliedAt = this.clock.now();
  }

  runningFiles(siteId: string): ConfigFile[] {
    return this.router(siteId).files.map((f) => ({ ...f }));
  }

  /**
   * Someone changes the router's running config by hand, behind the console's back (drift). The simulated
   * behaviour follows the edit when it still parses; otherwise only the shown config changes, as a typo in a
   * comment would. Returns the new files.
   */
  editRunningConfig(siteId: string, edit: (files: ConfigFile[]) => ConfigFile[]): ConfigFile[] {
    const r = this.router(siteId);
    const files = edit(this.runningFiles(siteId)).map((f) => ({ ...f }));
    let config: SimConfig | null = r.config;
    try {
      config = parseSimConfig(files);
    } catch {
      // an edit the simulator cannot model keeps the behaviour it had
    }
    // only a change the simulator models re-establishes the tunnel (and its registrations)
    if (JSON.stringify(config) !== JSON.stringify(r.config)) {
      r.config = config;
      r.appliedAt = this.clock.now();
    }
    r.files = files;
    return this.runningFiles(siteId);
  }

  getConfig(siteId: string): SimConfig | null {
    return this.router(siteId).config;
  }

  /** A router losing (false) or regaining (true) its WAN. */
  setSiteUp(siteId: string, up: boolean): void {
    const r = this.router(siteId);
    if (r.up === up) return;
    r.up = up;
    if (up) r.upSince = this.clock.now();
  }

  /** Make a hub NBMA address unreachable (or reachable again), whether simulated here or virtual. */
  setHubReachable(nbma: string, reachable: boolean): void {
    this.hubOutages.set(nbma, reachable ? this.clock.now() : null);
  }

  /**
   * Traffic between two spokes' LANs: in phase 3 the hub redirects and both spokes install a shortcut, valid for
   * the holdtime unless traffic keeps flowing. Returns false when no shortcut can be built.
   */
  sendTraffic(fromSite: string, toSite: string, bytes = 1000): boolean {
    const now = this.clock.now();
    const a = this.router(fromSite);
    const b = this.router(toSite);
    if (!a.config || !b.config || a.config.role !== "spoke" || b.config.role !== "spoke") return false;
    const common = this.registeredHubs(a, now).filter((h) =>
      this.registeredHubs(b, now).some((x) => x.nbma === h.nbma),
    );
    if (common.length === 0) return false;
    const key = [fromSite, toSite].sort().join("|");
    const holdMs = Math.min(a.config.holdtimeSeconds, b.config.holdtimeSeconds) * 1000;
    const old = this.shortcuts.get(key);
    const live = old && this.shortcutActive(old, now);
    this.shortcuts.set(key, {
      a: fromSite,
      b: toSite,
      createdAt: live ? old.createdAt : now,
      expiresAt: now + holdMs,
      bytes: (live ? old.bytes : 0) + bytes,
    });
    return true;
  }

  siteIds(): string[] {
    return [...this.routers.keys()];
  }

  nbmaOf(siteId: string): string {
    return this.router(siteId).nbma;
  }

  /** Tunnel addresses this site can reach right now (hubs it is registered with, shortcut peers, or via a hub). */
  reachableTunnelAddresses(siteId: string): Set<string> {
    const now = this.clock.now();
    const r = this.router(siteId);
    const out = new Set<string>();
    if (!r.config || !r.up) return out;
    out.add(r.config.tunnelAddress);
    if (r.config.role === "hub") {
      for (const s of this.spokesOf(r, now)) out.add(s.router.config!.tunnelAddress);
      return out;
    }
    const hubs = this.registeredHubs(r, now);
    for (const h of hubs) if (h.tunnelAddress) out.add(h.tunnelAddress);
    if (hubs.length) {
      for (const other of this.routers.values()) {
        if (other.config && this.registeredHubs(other, now).some((h) => hubs.some((x) => x.nbma === h.nbma))) {
          out.add(other.config.tunnelAddress);
        }
      }
    }
    return out;
  }

  status(siteId: string): SiteStatus {
    const now = this.clock.now();
    const r = this.router(siteId);
    const collectedAt = new Date(now).toISOString();
    const empty: SiteStatus = {
      collectedAt,
      tunnels: [],
      nhrpCache: [],
      nhs: [],
      shortcuts: [],
      dmvpnPeers: [],
      ipsecSas: [],
      bgpNeighbors: [],
    };
    if (!r.config) return empty;
    const cfg = r.config;
    const local: NhrpCacheEntry = this.cacheEntry("local", cfg.tunnelAddress, r.nbma, r.nbma, null);
    const status = r.config.role === "hub" ? this.hubStatus(r, now, local) : this.spokeStatus(r, now, local);
    const bytes = (status.ipsecSas ?? []).flatMap((s) => s.children).reduce((a, c) => a + c.bytesIn, 0);
    const bytesOut = (status.ipsecSas ?? []).flatMap((s) => s.children).reduce((a, c) => a + c.bytesOut, 0);
    return {
      ...empty,
      ...status,
      tunnels: [
        {
          name: TUNNEL_IF,
          operState: r.up ? "up" : "down",
          mtu: 1400,
          rxBytes: bytes,
          txBytes: bytesOut,
          rxPackets: Math.floor(bytes / 100),
          txPackets: Math.floor(bytesOut / 100),
        },
      ],
    };
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  private router(siteId: string): SimRouter {
    const r = this.routers.get(siteId);
    if (!r) throw new Error(`unknown simulated site ${siteId}`);
    return r;
  }

  private hubRouter(nbma: string): SimRouter | undefined {
    for (const r of this.routers.values()) if (r.nbma === nbma && r.config?.role === "hub") return r;
    return undefined;
  }

  /** Since when the hub at `nbma` answers, or null if it does not. */
  private hubReachableSince(nbma: string): number | null {
    const outage = this.hubOutages.get(nbma);
    if (outage === null) return null;
    const hub = this.hubRouter(nbma);
    if (hub) return hub.up ? Math.max(hub.upSince, hub.appliedAt, outage ?? 0) : null;
    return this.opts.autoHubs ? (outage ?? 0) : null;
  }

  private registeredSince(spoke: SimRouter, nbma: string): number | null {
    if (!spoke.up || !spoke.config) return null;
    const hubSince = this.hubReachableSince(nbma);
    if (hubSince === null) return null;
    return Math.max(hubSince, spoke.upSince, spoke.appliedAt) + this.opts.registrationDelayMs;
  }

  private registeredHubs(spoke: SimRouter, now: number) {
    if (spoke.config?.role !== "spoke") return [];
    return spoke.config.hubs
      .map((h) => ({ ...h, since: this.registeredSince(spoke, h.nbma), tunnelAddress: this.hubTunnel(h) }))
      .filter((h): h is typeof h & { since: number } => h.since !== null && h.since <= now);
  }

  private hubTunnel(hub: { nbma: string; tunnelAddress: string | null }): string | null {
    return this.hubRouter(hub.nbma)?.config?.tunnelAddress ?? hub.tunnelAddress;
  }

  private spokesOf(hub: SimRouter, now: number) {
    const out: { router: SimRouter; since: number }[] = [];
    for (const r of this.routers.values()) {
      const reg = this.registeredHubs(r, now).find((h) => h.nbma === hub.nbma);
      if (reg) out.push({ router: r, since: reg.since });
    }
    return out;
  }

  private shortcutActive(s: Shortcut, now: number): boolean {
    if (now >= s.expiresAt) return false;
    const a = this.router(s.a);
    const b = this.router(s.b);
    return this.registeredHubs(a, now).length > 0 && this.registeredHubs(b, now).length > 0;
  }

  private cacheEntry(
    type: NhrpCacheEntry["type"],
    protocolAddress: string,
    nbma: string,
    claimed: string | null,
    expires: number | null,
  ): NhrpCacheEntry {
    return {
      interface: TUNNEL_IF,
      type,
      protocolAddress,
      nbma,
      claimedNbma: claimed,
      expiresInSeconds: expires,
      flags: { used: type !== "local", timeout: expires !== null, auth: false, up: true },
      identity: null,
    };
  }

  private ipsecSa(
    name: string,
    id: string,
    local: string,
    remote: string,
    since: number,
    now: number,
    extraBytes: number,
  ): IpsecSa {
    const age = Math.max(0, Math.floor((now - since) / 1000));
    const bytes = Math.floor(age * this.opts.idleBytesPerSecond + extraBytes);
    return {
      name,
      uniqueId: id,
      state: "ESTABLISHED",
      localHost: local,
      remoteHost: remote,
      remoteId: remote,
      establishedSeconds: age,
      natRemote: false,
      children: [
        {
          name,
          uniqueId: `${id}1`,
          state: "INSTALLED",
          mode: "TRANSPORT",
          bytesIn: bytes,
          bytesOut: bytes,
          packetsIn: Math.floor(bytes / 100),
          packetsOut: Math.floor(bytes / 100),
          installedSeconds: age,
          localTs: [`${local}/32[gre]`],
          remoteTs: [`${remote}/32[gre]`],
        },
      ],
    };
  }

  private expiresIn(since: number, holdtimeSeconds: number, now: number): number {
    // registrations are refreshed every holdtime/3, like nhrpd does
    const period = (holdtimeSeconds * 1000) / 3;
    const elapsed = (now - since) % period;
    return Math.max(0, Math.round((holdtimeSeconds * 1000 - elapsed) / 1000));
  }

  private spokeStatus(r: SimRouter, now: number, local: NhrpCacheEntry): Partial<SiteStatus> {
    const cfg = r.config!;
    const registered = this.registeredHubs(r, now);
    const nhrpCache: NhrpCacheEntry[] = [local];
    const nhs: NhsRegistration[] = [];
    const dmvpnPeers: DmvpnPeer[] = [];
    const ipsecSas: IpsecSa[] = [];
    const shortcuts: NhrpShortcut[] = [];
    for (const hub of cfg.hubs) {
      const reg = registered.find((h) => h.nbma === hub.nbma);
      const tunnelAddress = this.hubTunnel(hub);
      nhs.push({
        interface: TUNNEL_IF,
        nbma: hub.nbma,
        protocolAddress: reg ? tunnelAddress : null,
        registered: !!reg,
      });
      if (!reg) continue;
      nhrpCache.push(
        this.cacheEntry(
          "nhs",
          tunnelAddress ?? "0.0.0.0",
          hub.nbma,
          hub.nbma,
          this.expiresIn(reg.since, cfg.holdtimeSeconds, now),
        ),
      );
      dmvpnPeers.push({ source: r.nbma, destination: hub.nbma, notifierActive: true, installedSas: 1, identity: null });
      ipsecSas.push(this.ipsecSa("dmvpn", `h${hub.nbma.replaceAll(".", "")}`, r.nbma, hub.nbma, reg.since, now, 0));
    }
    for (const s of this.shortcuts.values()) {
      if ((s.a !== r.siteId && s.b !== r.siteId) || !this.shortcutActive(s, now)) continue;
      const peer = this.router(s.a === r.siteId ? s.b : s.a);
      const peerCfg = peer.config!;
      const expires = Math.round((s.expiresAt - now) / 1000);
      nhrpCache.push(this.cacheEntry("dynamic", peerCfg.tunnelAddress, peer.nbma, peer.nbma, expires));
      for (const prefix of peerCfg.lanPrefixes.length ? peerCfg.lanPrefixes : [`${peerCfg.tunnelAddress}/32`]) {
        shortcuts.push({ type: "dynamic", prefix, via: peerCfg.tunnelAddress, identity: null });
      }
      dmvpnPeers.push({
        source: r.nbma,
        destination: peer.nbma,
        notifierActive: true,
        installedSas: 1,
        identity: null,
      });
      ipsecSas.push(
        this.ipsecSa("dmvpn", `s${peer.nbma.replaceAll(".", "")}`, r.nbma, peer.nbma, s.createdAt, now, s.bytes),
      );
    }
    const bgpNeighbors: BgpNeighbor[] = cfg.bgpNeighbors.map((n) => {
      const hub = registered.find((h) => h.tunnelAddress === n.address);
      const upAt = hub ? hub.since + this.opts.bgpDelayMs : null;
      const established = upAt !== null && upAt <= now;
      const hubRouter = hub ? this.hubRouter(hub.nbma) : undefined;
      return {
        address: n.address,
        remoteAs: n.remoteAs,
        state: established ? "Established" : "Active",
        prefixesReceived: established ? (hubRouter ? this.spokesOf(hubRouter, now).length : 1) : null,
        uptimeSeconds: established ? Math.floor((now - upAt) / 1000) : null,
      };
    });
    return { nhrpCache, nhs, shortcuts, dmvpnPeers, ipsecSas, bgpNeighbors };
  }

  private hubStatus(r: SimRouter, now: number, local: NhrpCacheEntry): Partial<SiteStatus> {
    const cfg = r.config!;
    const spokes = this.spokesOf(r, now);
    const nhrpCache = [local];
    const dmvpnPeers: DmvpnPeer[] = [];
    const ipsecSas: IpsecSa[] = [];
    const bgp = new Map<string, BgpNeighbor>();
    for (const n of cfg.bgpNeighbors) {
      bgp.set(n.address, {
        address: n.address,
        remoteAs: n.remoteAs,
        state: "Active",
        prefixesReceived: null,
        uptimeSeconds: null,
      });
    }
    for (const { router: s, since } of spokes) {
      const sc = s.config!;
      nhrpCache.push(
        this.cacheEntry("dynamic", sc.tunnelAddress, s.nbma, s.nbma, this.expiresIn(since, sc.holdtimeSeconds, now)),
      );
      dmvpnPeers.push({ source: r.nbma, destination: s.nbma, notifierActive: true, installedSas: 1, identity: null });
      ipsecSas.push(this.ipsecSa("dmvpn", `h${s.nbma.replaceAll(".", "")}`, r.nbma, s.nbma, since, now, 0));
      const upAt = since + this.opts.bgpDelayMs;
      if (upAt <= now) {
        bgp.set(sc.tunnelAddress, {
          address: sc.tunnelAddress,
          remoteAs: bgp.get(sc.tunnelAddress)?.remoteAs ?? cfg.bgpNeighbors[0]?.remoteAs ?? null,
          state: "Established",
          prefixesReceived: Math.max(1, sc.lanPrefixes.length),
          uptimeSeconds: Math.floor((now - upAt) / 1000),
        });
      }
    }
    return { nhrpCache, dmvpnPeers, ipsecSas, bgpNeighbors: [...bgp.values()] };
  }
}
