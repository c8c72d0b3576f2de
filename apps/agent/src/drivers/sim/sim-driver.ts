import type { ConfigFile, ShowCommandId, SiteStatus } from "@dmvpn/protocol";
import type { PingOutcome, RouterDriver, SavedConfig } from "../driver";
import type { SimFabric } from "./fabric";
import { parseSimConfig } from "./sim-config";

/** A simulated router attached to a SimFabric; configs are parsed for the facts the fabric models. */
export class SimDriver implements RouterDriver {
  readonly platform = "sim" as const;
  private files: ConfigFile[] = [];

  constructor(
    readonly fabric: SimFabric,
    readonly siteId: string,
    nbma?: string,
  ) {
    fabric.addRouter(siteId, nbma);
  }

  async readRunningConfig(): Promise<SavedConfig> {
    return { files: this.files.map((f) => ({ ...f })) };
  }

  async applyConfig(files: ConfigFile[]): Promise<void> {
    const config = parseSimConfig(files);
    this.fabric.setConfig(this.siteId, config);
    this.files = files.map((f) => ({ ...f }));
  }

  async rollback(saved: SavedConfig): Promise<void> {
    this.fabric.setConfig(this.siteId, saved.files.length ? parseSimConfig(saved.files) : null);
    this.files = saved.files.map((f) => ({ ...f }));
  }

  async collectStatus(): Promise<SiteStatus> {
    return this.fabric.status(this.siteId);
  }

  async ping(target: string, _source: string | undefined, count: number): Promise<PingOutcome> {
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
      "running-config": this.files.map((f) => `# ${f.name}\n${f.content}`).join("\n"),
    };
    const view = views[commandId];
    return { ok: true, output: typeof view === "string" ? view : JSON.stringify(view, null, 2) };
  }
}
