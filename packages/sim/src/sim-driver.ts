import type { ConfigFile, ShowCommandId, SiteStatus } from "@dmvpn/protocol";
import type { SimFabric } from "./fabric";
import { parseSimConfig } from "./sim-config";

/** The agent's SavedConfig and PingOutcome, restated so this package does not depend on the agent. */
export interface SimSavedConfig {
  files: ConfigFile[];
}

export interface SimPingOutcome {
  sent: number;
  received: number;
  rttAvgMs: number | null;
  output: string;
}

/**
 * A simulated router attached to a SimFabric, shaped like the agent's RouterDriver. Configs are parsed for the facts
 * the fabric models; the files themselves live in the fabric, so a test or the demo can change a router's running
 * config behind the console's back (SimFabric.editRunningConfig) and the console sees it as drift.
 */
export class SimDriver {
  readonly platform = "sim" as const;

  constructor(
    readonly fabric: SimFabric,
    readonly siteId: string,
    nbma?: string,
  ) {
    fabric.addRouter(siteId, nbma);
  }

  async readRunningConfig(): Promise<SimSavedConfig> {
    return { files: this.fabric.runningFiles(this.siteId) };
  }

  async applyConfig(files: ConfigFile[]): Promise<void> {
    this.fabric.setConfig(this.siteId, parseSimConfig(files), files);
  }

  async rollback(saved: SimSavedConfig): Promise<void> {
    this.fabric.setConfig(this.siteId, saved.files.length ? parseSimConfig(saved.files) : null, saved.files);
  }

  async collectStatus(): Promise<SiteStatus> {
    return this.fabric.status(this.siteId);
  }

  async ping(target: string, _source: string | undefined, count: number): Promise<SimPingOutcome> {
    const ok = this.fabric.reachableTunnelAddresses(this.siteId).has(target);
    const received = ok ? count : 0;
    const output = `PING ${target} (simulated)\n${count} packets transmitted, ${received} received, ${ok ? 0 : 100}% packet loss\n`;
    return { sent: count, received, rttAvgMs: ok ? 12.5 : null, output };
  }

  async show(commandId: ShowCommandId): Promise<{ ok: boolean; output: string }> {
    const s = this.fabric.status(this.siteId);
    const views: Record<ShowCommandId, unknown> = {
      "nhrp-cache": s.nhrpCache,
      "nhrp-nhs": s.nhs,
      "nhrp-shortcut": s.shortcuts,
      dmvpn: s.dmvpnPeers,
      "bgp-summary": s.bgpNeighbors,
      "ipsec-sas": s.ipsecSas,
      "tunnel-interface": s.tunnels,
      "nhrp-routes": s.shortcuts.map((x) => ({ prefix: x.prefix, protocol: "nhrp", nexthop: x.via })),
      "running-config": this.fabric
        .runningFiles(this.siteId)
        .map((f) => `# ${f.name}\n${f.content}`)
        .join("\n"),
    };
    const view = views[commandId];
    return { ok: true, output: typeof view === "string" ? view : JSON.stringify(view, null, 2) };
  }
}
