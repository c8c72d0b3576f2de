import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { sleep, waitFor } from "../vm/exec";
import type { LabSite } from "./lab-api";
import { lanHost } from "./lab-inventory";
import type { ConsoleLab } from "./lab-run";
import { LAB_FILES } from "./lab-spec";
import { outageAfter, parsePingReplies } from "./ping-log";

/**
 * How long LAN-to-LAN traffic stops when a hub dies. A hub "dies" the way a power cut or a cut uplink looks from
 * the rest of the network: its port on the simulated internet goes down, so nothing of it is heard again, no
 * BGP NOTIFICATION, no NHRP purge, no IKE delete (stopping a daemon would let the others say goodbye). The
 * traffic is a new flow from one spoke's LAN to another's whose route (the hubs' summary) goes through the hub
 * that dies: checked in the spoke's routing table just before, with no shortcut between the two spokes, and the
 * flow starts as the hub goes, so no shortcut can carry it past the dead hub. The figure is from the moment the
 * port went down to the first reply after the lost ones (a `ping -i 0.2` in the spoke, VM clock on both).
 */

export interface HubDeathContext {
  lab: ConsoleLab;
  from: LabSite;
  to: LabSite;
  hubs: LabSite[];
  /** resolves once every spoke is registered with every hub and has BGP Established with each */
  healthy(): Promise<void>;
  /** resolves once the console shows no shortcut between `from` and `to` */
  noShortcut(): Promise<void>;
  log(line: string): void;
}

/** The part of `show ip route A.B.C.D json` read here: the selected route's protocol and next hops. */
const routeLookupSchema = z.record(
  z.string(),
  z.array(
    z.object({
      protocol: z.string(),
      selected: z.boolean().optional(),
      nexthops: z.array(z.object({ ip: z.string().optional(), active: z.boolean().optional() }).loose()),
    }),
  ),
);

/** the hub whose tunnel address is the next hop of `from`'s selected route to `to`'s LAN (its BGP summary) */
async function hubOnPath(ctx: HubDeathContext): Promise<{ hub: LabSite; route: string }> {
  const { lab, from, to, hubs } = ctx;
  const shown = await lab.request({
    action: "exec",
    router: from.name,
    argv: ["sh", "-c", `${lab.vtysh(from.name)} -c 'show ip route ${lanHost(to.name)} json' 2>/dev/null`],
  });
  const table = routeLookupSchema.parse(JSON.parse(shown.detail));
  for (const [prefix, routes] of Object.entries(table)) {
    const selected = routes.find((r) => r.selected);
    if (!selected) continue;
    if (selected.protocol !== "bgp") throw new Error(`${from.name} reaches ${prefix} by ${selected.protocol}, not BGP`);
    const hub = hubs.find((h) => selected.nexthops.some((n) => n.ip === h.tunnelAddress));
    if (!hub) throw new Error(`${from.name}'s route to ${prefix} goes through no hub: ${shown.detail.slice(0, 400)}`);
    const via = selected.nexthops.filter((n) => hubs.some((h) => h.tunnelAddress === n.ip)).map((n) => n.ip);
    return { hub, route: `${prefix} via ${via.join(", ")} (bgp)` };
  }
  throw new Error(`${from.name} has no selected route to ${lanHost(to.name)}: ${shown.detail.slice(0, 400)}`);
}

export async function measureHubDeath(ctx: HubDeathContext, name: string): Promise<[string, number]> {
  const { lab, from, to } = ctx;
  await ctx.healthy();
  await ctx.noShortcut();
  const { hub, route } = await waitFor(
    `${from.name}'s route to ${to.name}'s LAN through a hub`,
    60_000,
    () => hubOnPath(ctx),
    { retryErrors: true },
  );
  const file = `ping-${name}.txt`;
  const started = await lab.request({
    action: "exec",
    router: from.name,
    argv: [
      "sh",
      "-c",
      `ping -n -D -O -i 0.2 -w 600 -I ${lanHost(from.name)} ${lanHost(to.name)} >/run/lab/${LAB_FILES.captures}/${file} 2>&1 </dev/null & echo $!`,
    ],
  });
  const pid = Number(started.detail.trim());
  if (!started.ok || !Number.isInteger(pid)) throw new Error(`the ping did not start: ${started.detail}`);
  const killed = await lab.request({ action: "wan-link", router: hub.name, up: false });
  if (!killed.ok) throw new Error(`${hub.name}'s internet port did not go down: ${killed.detail}`);
  const diedAt = Number(killed.detail);
  ctx.log(`${name}: ${hub.name} died (internet port down) at ${diedAt} (VM clock); ${from.name} route ${route}`);
  try {
    // flowing again: the run of lost requests is over and 2 s of replies (10) came after it
    const outage = await waitFor(
      `${from.name}'s LAN to reach ${to.name}'s again after ${hub.name} died`,
      300_000,
      async () => {
        const text = await readFile(join(lab.runDir, LAB_FILES.captures, file), "utf8").catch(() => "");
        const o = outageAfter(parsePingReplies(text), diedAt);
        return o && o.repliesSince >= 10 ? o : undefined;
      },
      { everyMs: 1000 },
    );
    const seconds = outage.recoveredAfterS.toFixed(1);
    return [
      `${hub.name} died (internet port down; ${from.name}'s route ${route}) → ${from.name} LAN → ${to.name} LAN replies again ${seconds} s later, ${outage.lost} pings lost at 5/s`,
      Math.round(outage.recoveredAfterS * 1000),
    ];
  } finally {
    await lab.request({ action: "exec", router: from.name, argv: ["kill", String(pid)] }).catch(() => undefined);
    const back = await lab.request({ action: "wan-link", router: hub.name, up: true });
    if (!back.ok) ctx.log(`${hub.name}'s internet port did not come back: ${back.detail}`);
    await sleep(500);
  }
}
