import type { PrismaClient } from "@dmvpn/db";
import { systemActor } from "../src/server/services/actor";
import { createEnrollmentToken, enrollAgent } from "../src/server/services/enrollment";
import type { signedInAdmin } from "./caller";

type AdminApi = Awaited<ReturnType<Awaited<ReturnType<typeof signedInAdmin>>["api"]>>;

/**
 * One network (10.0.0.0/24, GRE key 1) and `count` spokes s0, s1, … with public addresses 198.51.100.1, .2, …:
 * the inventory most gateway and status tests need, created through the API as an operator would.
 */
export async function networkWithSpokes(api: AdminApi, count: number) {
  const { id: networkId } = await api.networks.create({
    name: "n",
    tunnelPrefix: "10.0.0.0/24",
    greKey: 1,
    nhrpNetworkId: 1,
  });
  const siteIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = await api.sites.create({
      networkId,
      site: {
        name: `s${i}`,
        role: "spoke",
        platform: "frr-linux",
        wanInterface: "eth0",
        publicAddress: `198.51.100.${i + 1}`,
      },
    });
    siteIds.push(id);
  }
  return { networkId, siteIds };
}

/** An agent credential for each site, as `dmvpn-agent enroll` would get with a one-time token. */
export async function enrolledCredentials(db: PrismaClient, siteIds: string[]) {
  const actor = systemActor("test");
  const out: { siteId: string; credential: string }[] = [];
  for (const siteId of siteIds) {
    const { token } = await createEnrollmentToken(db, actor, siteId);
    const { credential } = await enrollAgent(
      db,
      { token, hostname: siteId, platform: "sim", agentVersion: "t" },
      "ws://x",
    );
    out.push({ siteId, credential });
  }
  return out;
}
