export { type Clock, SimFabric, type SimFabricOptions, systemClock } from "./fabric";
export { parseSimConfig, SimApplyError, type SimConfig, type SimHub } from "./sim-config";
export { SimDriver, type SimPingOutcome, type SimSavedConfig } from "./sim-driver";
