import { ensureLabHost } from "../host/setup";
import { runVm } from "../host/vm";

// Boots the lab VM and runs one shell command in it: `npx tsx src/cli/vm.ts 'ip -br link'`.
const job = process.argv.slice(2).join(" ");
if (!job) {
  console.error("usage: tsx src/cli/vm.ts '<shell command run inside the VM>'");
  process.exit(2);
}
const host = await ensureLabHost((line) => console.log(`[lab setup] ${line}`));
const result = await runVm({ host, job, timeoutMs: 10 * 60_000, onLine: (line) => console.log(line) });
console.log(
  `[lab] exit ${result.exitCode} timedOut=${result.timedOut} boot ${result.bootMs} ms total ${result.totalMs} ms run dir ${result.runDir}`,
);
process.exit(result.exitCode ?? 1);
