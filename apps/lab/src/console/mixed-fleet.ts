import type { LabApi, LabSite } from "./lab-api";

/** the charon a site's platform comes with: Debian 12's strongSwan beside FRR 8.4, Debian 13's beside FRR 10 */
export const CHARON_VERSION_OF_PLATFORM: Record<string, string> = { "frr-linux": "5.9", "frr-linux-10": "6.0" };

/**
 * Fast BGP timers for the failover measurement, set through the console: a 15 s hold time survives the lab's
 * software emulation under load (keepalives every 5 s; a vtysh call there has taken 20 s, bgpd's own timers are
 * not that late), where 3/9 risks a flap that would have nothing to do with a hub dying.
 */
export const FAST_BGP_TIMERS = { bgpKeepalive: 5, bgpHoldtime: 15 } as const;

const LAB_NHRP_KEY = "labnhrp1";

/**
 * Tries to turn NHRP authentication on for the lab's mixed network through the REST API. FRR 8.4 has no
 * `ip nhrp authentication`, so the console must refuse with an error naming every FRR 8.4 site and no FRR 10 one,
 * without the key in it, and store nothing. Returns what it saw; throws on anything else.
 */
export async function nhrpAuthRefusal(api: LabApi, networkId: string, sites: LabSite[]): Promise<string> {
  if ((await api.network(networkId)).nhrpAuthSet) throw new Error("the lab network has an NHRP key already");
  const answer = await api.putNetwork(networkId, { nhrpAuth: LAB_NHRP_KEY });
  const problems: string[] = [];
  if (answer.status !== 400) problems.push(`expected HTTP 400, got ${answer.status}`);
  const old = sites.filter((s) => s.platform === "frr-linux").map((s) => s.name);
  const current = sites.filter((s) => s.platform === "frr-linux-10").map((s) => s.name);
  if (old.length === 0 || current.length === 0) problems.push("the lab network is not a mixed-version one");
  for (const name of old)
    if (!answer.text.includes(`${name} runs FRR 8.4`)) problems.push(`the error does not name ${name} (FRR 8.4)`);
  for (const name of current) if (answer.text.includes(`${name} runs FRR`)) problems.push(`the error names ${name}`);
  if (!answer.text.includes("nhrpAuth")) problems.push("the error does not name the field nhrpAuth");
  if (answer.text.includes(LAB_NHRP_KEY)) problems.push("the error repeats the NHRP key");
  if ((await api.network(networkId)).nhrpAuthSet) problems.push("the NHRP key was stored anyway");
  if (problems.length) throw new Error(`${problems.join("; ")}: ${answer.text.slice(0, 600)}`);
  return `PUT /networks/{id} with nhrpAuth → HTTP ${answer.status} naming ${old.join(", ")} (FRR 8.4), not ${current.join(", ")}; nothing stored`;
}
