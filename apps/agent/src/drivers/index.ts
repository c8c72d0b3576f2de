import { SimDriver, SimFabric } from "@dmvpn/sim";
import type { AgentConfig } from "../config";
import type { Logger } from "../log";
import type { RouterDriver } from "./driver";
import { FrrDriver } from "./frr/frr-driver";
import { IosDriver } from "./ios/ios-driver";
import { VyosDriver } from "./vyos/vyos-driver";

export function createDriver(config: AgentConfig, stateDir: string, log?: Logger): RouterDriver {
  const o = config.driverOptions;
  switch (config.driver) {
    case "sim":
      return new SimDriver(new SimFabric(), config.siteId, o.nbmaAddress);
    case "frr":
      return new FrrDriver({
        netns: o.netns,
        vtyshArgs: o.vtyshArgs,
        frrRoot: o.frrRoot,
        swanctlArgs: o.swanctlArgs,
        swanctlConfPath: o.swanctlConf,
        swanctlLoadAlone: o.swanctlConf !== undefined,
        tunnelInterface: o.tunnelInterface,
        stateDir,
        log,
      });
    case "vyos":
      return new VyosDriver({ version: o.vyosVersion ?? "1.5", tunnelInterface: o.tunnelInterface, stateDir });
    case "ios-ssh":
      if (!o.ssh) throw new Error("invalid agent config: driver ios-ssh needs driverOptions.ssh");
      return new IosDriver({ ssh: o.ssh, tunnelInterface: o.tunnelInterface, stateDir });
  }
}
