import type { PrismaClient } from "@dmvpn/db";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "../../../../../test/db";
import { signedInAdmin, signedInAs } from "../../../test/caller";

let db: PrismaClient;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(() => cleanup());

describe("rendered config on the site page", () => {
  it("renders a site for its platform with the key masked, and the real key only for an admin who asks", async () => {
    const admin = await signedInAdmin(db);
    const api = await admin.api();
    const { id: networkId } = await api.networks.create({
      name: "corp",
      tunnelPrefix: "10.255.0.0/24",
      greKey: 42,
      nhrpNetworkId: 1,
    });
    const spokeOnly = await api.sites.create({
      networkId,
      site: {
        name: "branch1",
        role: "spoke",
        platform: "frr-linux",
        wanInterface: "eth0",
        lanPrefixes: ["10.1.0.0/24"],
      },
    });
    expect(await api.sites.renderedConfig({ id: spokeOnly.id })).toEqual({
      ok: false,
      issues: ["has no hub: add at least one hub before rendering configs"],
    });

    await api.sites.create({
      networkId,
      site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
    });
    const masked = await api.sites.renderedConfig({ id: spokeOnly.id });
    if (!masked.ok) throw new Error(masked.issues.join("; "));
    expect(masked.target).toBe("frr");
    expect(masked.files.map((f) => f.name)).toEqual(expect.arrayContaining(["frr.conf", "swanctl.conf", "gre.sh"]));
    const frr = masked.files.find((f) => f.name === "frr.conf")?.content ?? "";
    expect(frr).toContain("ip nhrp nhs dynamic nbma 203.0.113.1");
    const { ipsecPsk } = await api.networks.revealPsk({ id: networkId });
    expect(JSON.stringify(masked)).not.toContain(ipsecPsk);

    const asIos = await api.sites.renderedConfig({ id: spokeOnly.id, target: "ios" });
    expect(asIos.ok && asIos.files[0]?.content).toContain("tunnel mode gre multipoint");

    const viewer = await (await signedInAs(db, admin, "viewer")).api();
    expect((await viewer.sites.renderedConfig({ id: spokeOnly.id })).ok).toBe(true);
    await expect(viewer.sites.renderedConfig({ id: spokeOnly.id, includeSecrets: true })).rejects.toThrow(
      /only admins/,
    );

    const full = await api.sites.renderedConfig({ id: spokeOnly.id, includeSecrets: true });
    expect(full.ok && full.files.find((f) => f.name === "swanctl.conf")?.content).toContain(ipsecPsk);
    expect((await api.audit.list({ action: "site.render-with-secrets" })).total).toBe(1);
  });

  it("reports what a platform cannot honour, per field, instead of a config", async () => {
    const api = await (await signedInAdmin(db)).api();
    const { id: networkId } = await api.networks.create({
      name: "corp",
      tunnelPrefix: "10.255.0.0/24",
      greKey: 42,
      nhrpNetworkId: 1,
      nhrpAuth: "secret",
    });
    await api.sites.create({
      networkId,
      site: { name: "hub1", role: "hub", platform: "vyos-1.5", wanInterface: "eth0", publicAddress: "203.0.113.1" },
    });
    const branch = { name: "branch1", role: "spoke", platform: "frr-linux", wanInterface: "eth0" } as const;
    await expect(api.sites.create({ networkId, site: branch })).rejects.toThrow(/branch1 runs FRR 8\.4/);
    // Saving refuses it now; a site stored before that rule is still shown with its problems.
    const linux = await api.sites.create({ networkId, site: { ...branch, platform: "frr-linux-10" } });
    await db.site.update({ where: { id: linux.id }, data: { platform: "frr-linux" } });
    const result = await api.sites.renderedConfig({ id: linux.id });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.join("\n")).toMatch(/nhrpAuth/);
  });
});
