// The fleet half of `npm run bench:fleet`: N protocol-speaking agents in this one process, each on the real agent
// connection (hello/welcome, heartbeats, reconnect backoff, retry-after) from @dmvpn/agent. Each sends a snapshot on
// welcome, then a sequence-numbered delta every STATUS_MS and now and then an event. The SA byte counter of every
// spoke's link to its hub carries the wall-clock time the report was sent, so whoever watches the topology feed can
// tell how old each update is when it arrives. Reports connected counts to the parent over IPC once a second.
import { readFileSync } from "node:fs";
import { ConsoleConnection } from "@dmvpn/agent";
import {
  agentMessage,
  emptySiteStatus,
  type IpsecSa,
  type SiteEvent,
  type SiteStatus,
  type StatusChanges,
} from "@dmvpn/protocol";

export interface FleetSite {
  id: string;
  role: "hub" | "spoke";
  credential: string;
  tunnel: string;
  nbma: string;
  hubTunnel: string;
  hubNbma: string;
}

export type FleetReport = { type: "count"; ready: number; helloRetries: number; welcomes: number };

const STATUS_MS = Number(process.env.FLEET_STATUS_MS ?? 10_000);
const EVENT_EVERY = 20; // about one delta in twenty also carries an event

function hubSa(site: FleetSite, sentAt: number): IpsecSa {
  return {
    name: "dmvpn",
    uniqueId: "1",
    state: "ESTABLISHED",
    localHost: site.nbma,
    remoteHost: site.hubNbma,
    remoteId: site.hubNbma,
    establishedSeconds: 600,
    natRemote: false,
    children: [
      {
        name: "dmvpn",
        uniqueId: "1",
        state: "INSTALLED",
        mode: "TRANSPORT",
        bytesIn: sentAt,
        bytesOut: 0,
        packetsIn: 1,
        packetsOut: 1,
        installedSeconds: 600,
        localTs: [`${site.nbma}/32[gre]`],
        remoteTs: [`${site.hubNbma}/32[gre]`],
      },
    ],
  };
}

function snapshotOf(site: FleetSite, sentAt: number): SiteStatus {
  const st = emptySiteStatus(new Date(sentAt).toISOString());
  st.tunnels.push({ name: "gre1", operState: "up", mtu: 1400, rxBytes: 0, txBytes: 0, rxPackets: 0, txPackets: 0 });
  if (site.role === "spoke") {
    st.nhs.push({ interface: "gre1", nbma: site.hubNbma, protocolAddress: site.hubTunnel, registered: true });
    st.nhrpCache.push({
      interface: "gre1",
      type: "nhs",
      protocolAddress: site.hubTunnel,
      nbma: site.hubNbma,
      claimedNbma: site.hubNbma,
      expiresInSeconds: 300,
      flags: { used: true, timeout: true, auth: false, up: true },
      identity: null,
    });
    st.ipsecSas.push(hubSa(site, sentAt));
    st.bgpNeighbors.push({
      address: site.hubTunnel,
      remoteAs: 65000,
      state: "Established",
      prefixesReceived: 1,
      uptimeSeconds: 600,
    });
  }
  return st;
}

class FleetAgent {
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  readonly connection: ConsoleConnection;

  constructor(
    private readonly site: FleetSite,
    url: string,
    private readonly counters: { ready: number; welcomes: number; helloRetries: number },
    index: number,
  ) {
    this.connection = new ConsoleConnection({
      url,
      hello: () => ({
        agentVersion: "bench",
        platform: "sim",
        hostname: site.id,
        siteId: site.id,
        credential: site.credential,
      }),
      // the agent's defaults (apps/agent config.ts)
      backoff: { initialMs: 1000, maxMs: 60_000 },
      // each router from its own address, as a real fleet arrives (the console limits unauthenticated sockets per
      // address); all of 127.0.0.0/8 reaches the loopback interface
      localAddress: `127.${1 + (index >> 16)}.${(index >> 8) & 255}.${index & 255}`,
    });
    this.connection.on("ready", () => {
      counters.ready++;
      counters.welcomes++;
      this.onReady();
    });
    this.connection.on("down", () => {
      counters.ready--;
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    });
    this.connection.on("retry-after", () => counters.helloRetries++);
    this.connection.on("message", (m) => {
      if (m.type === "request-snapshot") this.sendSnapshot();
    });
  }

  start() {
    this.connection.start();
  }

  private sendSnapshot() {
    this.connection.send(
      agentMessage("status-snapshot", { seq: ++this.seq, status: snapshotOf(this.site, Date.now()) }),
    );
  }

  private onReady() {
    this.sendSnapshot();
    if (this.timer) clearInterval(this.timer);
    // spread the fleet's reports over the interval, as independent routers would be
    const first = setTimeout(() => {
      this.sendDelta();
      this.timer = setInterval(() => this.sendDelta(), STATUS_MS);
    }, Math.random() * STATUS_MS);
    this.timer = first;
  }

  private sendDelta() {
    const now = Date.now();
    const changes: StatusChanges =
      this.site.role === "spoke"
        ? { ipsecSas: { upsert: [hubSa(this.site, now)] } }
        : {
            tunnels: {
              upsert: [
                { name: "gre1", operState: "up", mtu: 1400, rxBytes: now, txBytes: 0, rxPackets: 0, txPackets: 0 },
              ],
            },
          };
    this.connection.send(
      agentMessage("status-delta", { seq: ++this.seq, collectedAt: new Date(now).toISOString(), changes }),
    );
    if (++this.ticks % EVENT_EVERY === Math.floor(Math.random() * EVENT_EVERY)) {
      const at = new Date(now).toISOString();
      const events: SiteEvent[] = [
        { kind: "bgp-state-change", at, neighbor: this.site.hubTunnel, from: "Established", to: "Established" },
      ];
      this.connection.send(agentMessage("event", { events }));
    }
  }
}

function main() {
  // several URLs (comma-separated): one console instance each, the agents dealt out between them in turn
  const urls = (process.env.FLEET_URL ?? "").split(",").filter(Boolean);
  const file = process.env.FLEET_SITES_FILE;
  if (!urls.length || !file) throw new Error("FLEET_URL and FLEET_SITES_FILE are required");
  const sites = JSON.parse(readFileSync(file, "utf8")) as FleetSite[];
  const counters = { ready: 0, welcomes: 0, helloRetries: 0 };
  const agents = sites.map((s, i) => new FleetAgent(s, urls[i % urls.length]!, counters, i + 1));
  // a fleet powered on together: every agent starts within the first second
  for (const a of agents) setTimeout(() => a.start(), Math.random() * 1000);
  const report = setInterval(() => {
    process.send?.({ type: "count", ...counters } satisfies FleetReport);
  }, 1000);
  process.on("disconnect", () => {
    clearInterval(report);
    for (const a of agents) a.connection.stop();
    process.exit(0);
  });
}

main();
