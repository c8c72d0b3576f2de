import { ensureLabHost } from "../host/setup";

const started = Date.now();
const host = await ensureLabHost((line) => console.log(`[lab setup] ${line}`));
console.log(`[lab setup] kernel ${host.kernel}`);
console.log(`[lab setup] initrd ${host.initrd}`);
console.log(`[lab setup] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
