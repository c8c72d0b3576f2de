import { publishCaptures, runSmoke, timingReport } from "../host/smoke-run";

// `npm run smoke [-- --update-captures]`: runs the smoke scenario in the VM, prints every serial line and a
// timing report; with --update-captures the run's status captures replace apps/lab/captures/frr-8.4.4.
const run = await runSmoke({ onLine: (line) => console.log(line) });
console.log(`\n[lab] result: ${JSON.stringify(run.result?.phases, null, 2)}`);
console.log(`[lab] host probe received: ${JSON.stringify(run.probeLines)}`);
console.log(`[lab] run dir ${run.vm.runDir}`);
console.log(timingReport(run));
if (process.argv.includes("--update-captures") && run.result) {
  console.log(`[lab] captures published to ${await publishCaptures(run.vm.runDir)}`);
}
process.exit(run.vm.exitCode === 0 ? 0 : 1);
