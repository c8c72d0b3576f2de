// npx tsx apps/console/bench/profile-top.ts FILE.cpuprofile [FROM_S TO_S] [--top N]
// The functions that used the most CPU in a V8 profile (node --cpu-prof, bench:fleet --profile DIR), optionally only
// between two times in seconds since the profile started (bench:fleet prints its phases), by self time, and the
// same grouped by package (node_modules/<name>) or source file, so "what is left" can be read off a run.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" }, "stretch-ms": { type: "string", default: "100" } },
});
const [file, from, to] = positionals;
if (!file) throw new Error("usage: profile-top.ts FILE.cpuprofile [FROM_S TO_S] [--top N]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const fromUs = from ? Number(from) * 1e6 : -Infinity;
const toUs = to ? Number(to) * 1e6 : Infinity;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

const selfUs = new Map<number, number>();
let t = 0;
let total = 0;
for (const [i, id] of profile.samples.entries()) {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t < fromUs || t > toUs) continue;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  total += dt;
}

const where = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  return url.replace(/^file:\/\//, "").replace(/^.*\/(apps|packages)\//, "$1/") || "(native)";
};
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const keyOf = (id: number) => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  return `${functionName || "(anonymous)"} ${where(url)}:${lineNumber + 1}`;
};
/** time with the function anywhere on the stack (each function counted once per sample) */
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    if (!byId.get(at)!.callFrame.url) continue;
    seen.add(keyOf(at));
  }
  for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
}
const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const key = `${functionName || "(anonymous)"} ${where(url)}:${lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byPlace.set(where(url), (byPlace.get(where(url)) ?? 0) + us);
}
const top = Number(values.top);
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1e6).toFixed(1).padStart(7)} s  ${k}`);
};
console.log(`${(total / 1e6).toFixed(1)} s sampled${from ? ` between ${from} s and ${to} s` : ""}`);
print("self time by function", byFunction);
print("self time by package or file", byPlace);
print("total time (with callees) by function", inclusive);

// The main thread busy without a break (no idle sample) for long: what blocked every request and feed meanwhile.
// Each stretch is named by the app or package function found on most of its samples' stacks.
const stretchUs = Number(values["stretch-ms"]) * 1000;
const stretches: { start: number; us: number; names: Map<string, number> }[] = [];
let current: (typeof stretches)[number] | null = null;
t = 0;
for (const [i, id] of profile.samples.entries()) {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t < fromUs || t > toUs) continue;
  const name = byId.get(id)!.callFrame.functionName;
  if (name === "(idle)") {
    if (current && current.us >= stretchUs) stretches.push(current);
    current = null;
    continue;
  }
  current ??= { start: t, us: 0, names: new Map() };
  current.us += dt;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { url } = byId.get(at)!.callFrame;
    if (!url || url.startsWith("node:")) continue;
    seen.add(keyOf(at));
  }
  for (const k of seen) current.names.set(k, (current.names.get(k) ?? 0) + dt);
}
if (current && current.us >= stretchUs) stretches.push(current);
console.log(`\nbusy stretches of ${values["stretch-ms"]} ms or more: ${stretches.length}`);
for (const x of [...stretches].sort((a, b) => b.us - a.us).slice(0, top)) {
  // the app (or workspace package) functions on most of the stretch's stacks, with their share of it
  const app = [...x.names]
    .filter(([k]) => /apps\/|packages\//.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, us]) => `${k} ${((100 * us) / x.us).toFixed(0)} %`);
  console.log(`  ${(x.us / 1000).toFixed(0).padStart(6)} ms at ${(x.start / 1e6).toFixed(1)} s  ${app.join(", ")}`);
}
