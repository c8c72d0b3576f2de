import { publishCaptures } from "../host/smoke-run";

// `tsx src/cli/publish-captures.ts <run dir>`: makes a finished run's captures (e.g. from `npm run test:lab`)
// the parser fixtures in apps/lab/captures/frr-8.4.4.
const runDir = process.argv[2];
if (!runDir) {
  console.error("usage: tsx src/cli/publish-captures.ts <apps/lab/.cache/runs/...>");
  process.exit(2);
}
console.log(`captures published to ${await publishCaptures(runDir)}`);
