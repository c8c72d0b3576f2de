import { deployAndWait, describeDeployment } from "../console/deploy";
import { startConsoleLab } from "../console/lab-run";

// `npm run lab`: the console on the host, five FRR routers with enrolled agents in the lab VM, the inventory
// deployed; then it stays up for a person to explore until Ctrl-C.
const port = process.env.LAB_PORT ? Number(process.env.LAB_PORT) : undefined;
const quiet = process.argv.includes("--quiet");
const lab = await startConsoleLab({
  port,
  vmTimeoutMs: 8 * 3600_000,
  onLine: (line) => {
    if (!quiet || !line.startsWith("[console]")) console.log(line);
  },
});
console.log(`agents online ${(lab.timings.agentsOnlineMs / 1000).toFixed(1)} s after the VM started; deploying…`);
const { deployment, ms } = await deployAndWait(lab.api, { networkId: lab.networkId });
console.log(`deployment ${describeDeployment(deployment)} in ${(ms / 1000).toFixed(1)} s`);
console.log(`
The lab is running.
  console:  ${lab.console.url}   (sign in as ${lab.admin.email} / ${lab.admin.password})
  routers:  hub1 hub2 spoke1 spoke2 spoke3 (FRR + dmvpn-agent in the lab VM; status, topology, diagnostics in the console)
  run dir:  ${lab.runDir}   (agent logs in logs/)
Press Ctrl-C to stop the VM and the console.`);
process.once("SIGINT", () => {
  console.log("stopping…");
  void lab.stop().then(() => process.exit(0));
});
await lab.vm;
console.log("the VM stopped");
await lab.console.stop();
