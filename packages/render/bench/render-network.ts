/**
 * Renders every site of a generated 5,000-site network (4 hubs, spokes on all four platforms, a tenth behind NAT,
 * a tenth dynamic) and prints the time taken. Goal: under 2 s on one core.
 *
 *   npm run bench -w @dmvpn/render [-- SITES]
 */
import { PLATFORMS } from "@dmvpn/inventory";
import { buildNetwork, type SiteShape } from "../src/__fixtures__/generated-network";
import { renderNetwork } from "../src/render";

const total = Number(process.argv[2] ?? 5000);
const hubCount = 4;
const spokes: SiteShape[] = Array.from({ length: total - hubCount }, (_, i) => ({
  platform: PLATFORMS[i % PLATFORMS.length] as SiteShape["platform"],
  wan: i % 10 === 0 ? "nat" : i % 10 === 1 ? "dynamic" : "static",
  lanCount: 1 + (i % 2),
}));
const { network, sites } = buildNetwork({
  phase: 3,
  routing: "bgp",
  asnPlan: "single",
  ipsecEnabled: true,
  hubs: ["vyos-1.5", "frr-linux", "vyos-1.4", "cisco-ios"],
  spokes,
});

renderNetwork(network, sites.slice(0, 50)); // warm-up: JIT and module caches
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const { configs, errors } = renderNetwork(network, sites);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
// CPU time too: on a busy machine wall time measures the neighbours.
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const bytes = configs.reduce((n, c) => n + c.files.reduce((m, f) => m + f.content.length, 0), 0);
console.log(
  `rendered ${configs.length} of ${sites.length} sites (${errors.length} errors, ${(bytes / 1e6).toFixed(1)} MB) in ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU — goal < 2000 ms`,
);
if (errors.length > 0) {
  console.error(errors[0]?.message);
  process.exitCode = 1;
}
