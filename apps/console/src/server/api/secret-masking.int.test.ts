import { createHash } from "node:crypto";
import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, signedInAs } from "../../../test/caller";
import type { AgentGateway } from "../gateway/gateway";
import { systemActor } from "../services/actor";
import { runShow } from "../services/diagnostics";
import { openRevisionFiles } from "../services/revision-files";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(() => cleanup());

const OLD_KEY = "Summer2026Summer!";
const NEW_KEY = "Winter2027Winter!";
const NEXT_KEY = "Autumn2028Autumn!";
const OLD_NHRP = "nhrpOld1";
const NEW_NHRP = "nhrpNew2";
const SECRETS = [OLD_KEY, NEW_KEY, NEXT_KEY, OLD_NHRP, NEW_NHRP];

const network = (ipsecPsk: string, nhrpAuth: string) => ({
  name: "corp",
  tunnelPrefix: "10.255.0.0/24",
  greKey: 42,
  nhrpNetworkId: 1,
  nhrpAuth,
  ipsecPsk,
});

/** A network of one VyOS hub and one IOS spoke (both carry the NHRP key), deployed once per key. */
async function twoRevisionsPerSite() {
  const admin = await signedInAdmin(db);
  const api = await admin.api();
  const { id: networkId } = await api.networks.create(network(OLD_KEY, OLD_NHRP));
  const hub = await api.sites.create({
    networkId,
    site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
  });
  const spoke = await api.sites.create({
    networkId,
    site: { name: "branch1", role: "spoke", platform: "cisco-ios", wanInterface: "GigabitEthernet0/0" },
  });
  await api.deployments.create({ target: { networkId } });
  await api.networks.update({ id: networkId, network: network(NEW_KEY, NEW_NHRP) });
  await api.deployments.create({ target: { networkId } });
  const viewer = await (await signedInAs(db, admin, "viewer")).api();
  const operator = await (await signedInAs(db, admin, "operator")).api();
  return { api, viewer, operator, networkId, siteIds: [hub.id, spoke.id] };
}

const expectNoSecret = (text: string) => {
  for (const s of SECRETS) expect(text).not.toContain(s);
};

describe("secrets in revisions, diffs and config views", () => {
  it("masks every key in every revision diff, whichever key the revision was rendered with", async () => {
    const { viewer, siteIds } = await twoRevisionsPerSite();
    for (const siteId of siteIds) {
      const revisions = await viewer.deployments.revisions({ siteId });
      expect(revisions.map((r) => r.number)).toEqual([2, 1]);
      for (const r of revisions) {
        const { diff } = await viewer.deployments.revisionDiff({ revisionId: r.id });
        expect(diff).not.toBe("");
        expectNoSecret(diff);
      }
    }
  });

  it("masks the deployed revision's old key in the operator's preview diff", async () => {
    const { api, operator, networkId } = await twoRevisionsPerSite();
    // Mark the second revision as the one on the routers, then change the keys again.
    await db.deploymentItem.updateMany({ where: { revision: { number: 2 } }, data: { status: "confirmed" } });
    await api.networks.update({ id: networkId, network: network(NEXT_KEY, OLD_NHRP) });
    const preview = await operator.deployments.preview({ networkId });
    expect(preview).toHaveLength(2);
    for (const site of preview) {
      expect(site.unchanged).toBe(false);
      expect(site.diff).not.toBe("");
      expectNoSecret(JSON.stringify(site));
    }
  });

  it("masks the NHRP key, not only the pre-shared key, in the rendered config a viewer sees", async () => {
    const { viewer, siteIds } = await twoRevisionsPerSite();
    for (const id of siteIds) {
      const config = await viewer.sites.renderedConfig({ id });
      if (!config.ok) throw new Error(config.issues.join("; "));
      expectNoSecret(JSON.stringify(config));
      expect(JSON.stringify(config)).toContain("HIDDEN");
    }
  });
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("hashes a viewer sees", () => {
  it("are computed over what the viewer sees, so a guessed key cannot be confirmed with them", async () => {
    const { viewer, siteIds } = await twoRevisionsPerSite();
    for (const siteId of siteIds) {
      const revisions = await viewer.deployments.revisions({ siteId });
      const stored = await db.configRevision.findMany({ where: { siteId }, orderBy: { number: "desc" } });
      const shown = JSON.stringify(revisions);
      for (const r of stored) {
        // Neither the stored content hash nor any file's real body hash reaches the viewer.
        expect(shown).not.toContain(r.contentHash);
        for (const f of openRevisionFiles(r.files)) {
          const body = f.content
            .split("\n")
            .slice(f.content.startsWith("#!") ? 4 : 3)
            .join("\n");
          const { diff } = await viewer.deployments.revisionDiff({ revisionId: r.id });
          expect(diff).not.toContain(sha256(body));
        }
      }
      // The two revisions differ only in their keys: what a viewer sees of them is the same, hashes included.
      expect(revisions[0]?.maskedHash).toBeDefined();
      expect(revisions[0]?.maskedHash).toBe(revisions[1]?.maskedHash);
    }
  });

  it("in the rendered config do not depend on the keys", async () => {
    const { api, viewer, networkId, siteIds } = await twoRevisionsPerSite();
    for (const id of siteIds) {
      const before = await viewer.sites.renderedConfig({ id });
      await api.networks.update({ id: networkId, network: network(NEXT_KEY, OLD_NHRP) });
      const after = await viewer.sites.renderedConfig({ id });
      expect(after).toEqual(before);
    }
  });
});

describe("router output shown to operators", () => {
  it("masks secrets in a show command's output (vtysh on VyOS 1.5 prints the NHRP key)", async () => {
    const { siteIds } = await twoRevisionsPerSite();
    const output = ["interface tun0", ` ip nhrp authentication ${NEW_NHRP}`, " ip nhrp network-id 1", "exit"].join(
      "\n",
    );
    const gateway = {
      isConnected: () => true,
      request: async () => showReply(output),
    } as unknown as AgentGateway;
    const shown = await runShow(db, gateway, systemActor("test"), {
      siteId: siteIds[0] as string,
      commandId: "running-config",
    });
    expect(shown.output).toContain("ip nhrp network-id 1");
    expectNoSecret(shown.output);
  });
});

function showReply(output: string) {
  return { v: 1, type: "show-result", id: "r1", payload: { commandId: "running-config", ok: true, output } };
}
