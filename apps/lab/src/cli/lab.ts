import { writeFile } from "node:fs/promises";
import { join } from "node:path";
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
// For the dmvpn command line and scripts against this lab: local, mode 0600, deleted with the run directory.
await writeFile(
  join(lab.runDir, "lab-access.json"),
  JSON.stringify({
    console: lab.console.url,
    email: lab.admin.email,
    password: lab.admin.password,
    token: lab.api.bearer,
  }),
  { mode: 0o600 },
);
console.log(`
The lab is running.
  console:  ${lab.console.url}   (sign in as ${lab.admin.email} / ${lab.admin.password})
  routers:  hub1 hub2 spoke1 spoke2 spoke3 (FRR 8.4 or 10.3 + dmvpn-agent in the lab VM; status, topology, diagnostics in the console)
  run dir:  ${lab.runDir}   (agent logs in logs/; lab-access.json has an API token for the dmvpn CLI)
  a router: npm run lab:exec -w @dmvpn/lab -- spoke1 vtysh -N spoke1 -c "show dmvpn"
            (FRR 10 routers ${lab.routers
              .filter((r) => r.frrRoot)
              .map((r) => r.name)
              .join(" ")}: their root's vtysh,
             npm run lab:exec -w @dmvpn/lab -- spoke2 ${lab.vtysh("spoke2")} -c "show dmvpn")
Press Ctrl-C to stop the VM and the console.`);
process.once("SIGINT", () => {
  console.log("stopping…");
  void lab.stop().then(() => process.exit(0));
});
await lab.vm;
console.log("the VM stopped");
await lab.console.stop();
