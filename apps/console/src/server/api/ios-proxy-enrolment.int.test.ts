import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin } from "../../../test/caller";
import { startApiServer } from "../../../test/http-server";
import { type AgentServices, startAgentServices } from "../gateway";
import { setRuntime } from "../runtime";
import { enrollAgent } from "../services/enrollment";
import { siteManagement } from "../services/site-management";

/**
 * A Cisco IOS site takes a proxy agent (the agent's ios-ssh driver on a Linux host next to the router): its
 * enrolment offers the proxy install command, and once enrolled the site is agent-managed, while a Cisco site
 * without an agent stays config-managed.
 */
let db: PrismaClient;
let cleanup: () => Promise<void>;
let server: Awaited<ReturnType<typeof startApiServer>>;
let agents: AgentServices;

beforeEach(async () => {
  ({ db, cleanup } = await createTestDb());
  server = await startApiServer(db);
  agents = await startAgentServices({ db, bus: server.bus, connectWaitMs: 200, log: () => {} });
  setRuntime({ db, bus: server.bus, gateway: agents.gateway, deployments: agents.deployments });
});
afterEach(async () => {
  await agents.close();
  await server.close();
  await cleanup();
});

describe("Cisco IOS sites and the proxy agent", () => {
  it("offers the proxy install command; an enrolled proxy agent makes the site agent-managed", async () => {
    const api = await (await signedInAdmin(db)).api();
    const { id: networkId } = await api.networks.create({
      name: "corp",
      tunnelPrefix: "10.255.0.0/24",
      greKey: 42,
      nhrpNetworkId: 1,
      ipsecPsk: "proxy-test-psk-0123456789",
    });
    const hub = await api.sites.create({
      networkId,
      site: {
        name: "cisco-hub",
        role: "hub",
        platform: "cisco-ios",
        wanInterface: "Gi0/0",
        publicAddress: "203.0.113.1",
      },
    });
    const spoke = await api.sites.create({
      networkId,
      site: {
        name: "cisco-spoke",
        role: "spoke",
        platform: "cisco-ios",
        wanInterface: "Gi0/0",
        lanPrefixes: ["10.1.0.0/24"],
      },
    });

    expect(await api.agents.forSite({ siteId: hub.id })).toMatchObject({ agentCapable: true, agent: null });
    const enrolment = await api.agents.createEnrollment({ siteId: hub.id, origin: "https://console.example" });
    expect(enrolment.mode).toBe("proxy");
    expect(enrolment.command).toContain("install.sh?platform=cisco-ios");
    expect(enrolment.command).toContain("DMVPN_SSH_HOST=ROUTER_SSH_ADDRESS");

    await enrollAgent(
      db,
      { token: enrolment.token, hostname: "203.0.113.1", platform: "cisco-ios", agentVersion: "0.1.0" },
      "wss://console.example/api/agent/ws",
    );
    expect(await siteManagement(db, hub.id, "cisco-ios")).toBe("agent");
    expect(await siteManagement(db, spoke.id, "cisco-ios")).toBe("config-managed");
    expect((await api.agents.forSite({ siteId: hub.id })).agent).toMatchObject({ platform: "cisco-ios" });

    // the hub goes to its agent (offline here, so the deployment fails); the spoke without one waits for an operator
    const deploy = async (siteId: string) => {
      const { id } = await api.deployments.create({ target: { siteIds: [siteId] } });
      await expect
        .poll(async () => (await api.deployments.get({ id })).status, { timeout: 20_000, interval: 100 })
        .not.toMatch(/^(pending|running)$/);
      return (await api.deployments.get({ id })).items[0];
    };
    expect(await deploy(spoke.id)).toMatchObject({ site: "cisco-spoke", status: "awaiting-apply" });
    const hubItem = await deploy(hub.id);
    expect(hubItem).toMatchObject({ site: "cisco-hub", status: "failed" });
    expect(JSON.stringify(hubItem)).toContain("offline");
  });
});
