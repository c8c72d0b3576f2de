import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleLab, startConsoleLab } from "./console/lab-run";
import { runConsoleScenario, type ScenarioPhase, type ScenarioResult, scenarioReport } from "./console/scenario";
import type { VmRunResult } from "./host/vm";

// One lab for the whole file: console on the host, five FRR routers with enrolled agents in the VM; the scenario
// runs once and each test checks one of its outcomes, all observed through the console's REST API.
let lab: ConsoleLab;
let result: ScenarioResult;
let vm: VmRunResult;
let totalMs = 0;

beforeAll(async () => {
  const t0 = Date.now();
  const lines: string[] = [];
  lab = await startConsoleLab({
    onLine: (line) => {
      lines.push(line);
      if (line.startsWith("[lab") || line.startsWith("LAB-")) console.log(line);
    },
  });
  try {
    result = await runConsoleScenario(lab, (line) => console.log(`[scenario] ${line}`));
  } finally {
    vm = await lab.stop();
    totalMs = Date.now() - t0;
    appendFileSync(join(lab.runDir, "output.log"), `${lines.join("\n")}\n`);
  }
});

afterAll(() => {
  if (lab && result) console.log(`console lab run dir ${lab.runDir}\n${scenarioReport(lab, result, totalMs)}`);
});

const expectPhase = (name: ScenarioPhase) => {
  const p = result.phases[name];
  expect(p.ok, `${name}: ${p.detail}`).toBe(true);
};

describe("the console drives real FRR routers through enrolled agents (lab VM)", () => {
  it("enrolls an agent on every router with one-time tokens; all come online", () => {
    expect(lab.timings.agentsOnlineMs).toBeGreaterThan(0);
    // the five imported sites, and the spoke the scenario added
    expect([...lab.sites.keys()].sort()).toEqual(["hub1", "hub2", "spoke1", "spoke2", "spoke3", "spoke4"]);
  });

  it("deploys the imported inventory: every site applied and confirmed", () => expectPhase("deploy"));

  it("registers every spoke with both hubs, as the console reports", () => expectPhase("registered"));

  it("brings up iBGP from every spoke to both hubs", () => expectPhase("bgp"));

  it("runs each router on the FRR and strongSwan its site's platform says (FRR 10.3 and 8.4 side by side)", () =>
    expectPhase("versions"));

  it("refuses NHRP authentication for the mixed network, naming the FRR 8.4 sites, storing nothing", () =>
    expectPhase("nhrpAuthRefused"));

  it("shows the NHRP shortcut that LAN traffic between two spokes creates", () => expectPhase("shortcut"));

  it("carries hub–spoke, spoke–spoke and NAT traffic in ESP: no cleartext GRE on the internet", () =>
    expectPhase("encrypted"));

  it("counts the traffic in the kernel's SAs (ip -s xfrm state)", () => expectPhase("xfrmCounters"));

  it("reports the SAs in the console's status through the agents", () => expectPhase("ipsecReported"));

  it("removes the shortcut once it expires; the spoke keeps its hub SAs", () => expectPhase("shortcutExpired"));

  it("rolls back a change that cuts a spoke off (commit-confirm)", () => expectPhase("rollback"));

  it("recovers after the rollback: registered, reachable, config unchanged", () => expectPhase("recovered"));

  it("adds a spoke through the console: deployed alone, registered, shortcut, no other router changed", () =>
    expectPhase("spokeAdded"));

  it("carries a spoke-to-spoke flow again after the hub on its path dies (default BGP timers)", () =>
    expectPhase("hubDeathDefaultTimers"));

  it("sets fast BGP timers through the console and deploys them; the sessions run on them", () =>
    expectPhase("fastTimers"));

  it("carries the flow again sooner after a hub dies with the fast timers", () => expectPhase("hubDeathFastTimers"));

  it("reports a hub's NHRP failure and keeps spokes reachable through the other hub", () => expectPhase("failover"));

  it("shuts the VM down cleanly", () => {
    expect(vm.timedOut).toBe(false);
    expect(vm.exitCode).toBe(0);
  });
});
