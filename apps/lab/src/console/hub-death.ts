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
 * that dies: the kernel's choice for that flow (`ip route get`) just before, with no shortcut between the two
 * spokes (the hubs' summary is an equal-cost route through both hubs; the kernel hashes each flow onto one), and the
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

/** `ip -j route get` (iproute2): the kernel's choice for one flow, gateway included when there is one. */
const routeGetSchema = z.array(z.object({ dst: z.string(), gateway: z.string().optional(), dev: z.string() }).loose());

/**
 * The hub the kernel sends this very flow (from's LAN → to's LAN) through. FRR installs the hubs' summary with
 * both hubs as equal-cost next hops, so its table says "either"; the kernel hashes each flow onto one of them, and
 * `ip route get` with the flow's source makes the same choice.
 */
async function hubOnPath(ctx: HubDeathContext): Promise<{ hub: LabSite; route: string }> {
  const { lab, from, to, hubs } = ctx;
  const shown = await lab.request({
    action: "exec",
    router: from.name,
    argv: ["ip", "-j", "route", "get", lanHost(to.name), "from", lanHost(from.name)],
  });
  if (!shown.ok) throw new Error(`${from.name}: ip route get failed: ${shown.detail}`);
  const [route] = routeGetSchema.parse(JSON.parse(shown.detail));
  const hub = hubs.find((h) => h.tunnelAddress === route?.gateway);
  if (!route || !hub) throw new Error(`${from.name} sends the flow through no hub: ${shown.detail.trim()}`);
  return { hub, route: `${route.dst} via ${route.gateway} dev ${route.dev} (${hub.name})` };
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
  // a count, not a deadline: with -w, iputils' ping ends at the first ICMP error (an unreachable on the way)
  const started = await lab.request({
    action: "exec",
    router: from.name,
    argv: [
      "sh",
      "-c",
      `ping -n -D -O -i 0.2 -c 3000 -I ${lanHost(from.name)} ${lanHost(to.name)} >/run/lab/${LAB_FILES.captures}/${file} 2>&1 </dev/null & echo $!`,
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
