import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  formatIssue,
  type NetworkSpec,
  networkSchema,
  parseInventoryYaml,
  type SiteSpec,
  toInventoryYaml,
} from "@dmvpn/inventory";
import { renderSiteConfig } from "@dmvpn/render";
import { afterAll, describe, expect, it } from "vitest";

/** Runs the real `dmvpn` launcher (bin/dmvpn.js, through tsx) on temp inventory files. */
const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../bin/dmvpn.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "dmvpn-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dmvpn(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === "number" ? x.code : -1, stdout: x.stdout ?? "", stderr: x.stderr ?? "" };
  }
}

const PSK = "Cli-Test-PSK-0123456789";

function network(overrides: Record<string, unknown> = {}): NetworkSpec {
  return networkSchema.parse({
    name: "corp",
    tunnelPrefix: "10.255.0.0/24",
    greKey: 42,
    nhrpNetworkId: 1,
    ipsecPsk: PSK,
    ...overrides,
  });
}

function site(
  name: string,
  role: "hub" | "spoke",
  platform: SiteSpec["platform"],
  publicAddress: string,
  lan: string,
  tunnelAddress: string,
): SiteSpec {
  return {
    name,
    network: "corp",
    role,
    platform,
    wanInterface: "eth0",
    publicAddress,
    behindNat: false,
    lanPrefixes: [lan],
    tunnelAddress,
    asn: null,
    latitude: null,
    longitude: null,
    address: null,
    tags: [],
    notes: "",
  };
}

const SITES = [
  site("hub-1", "hub", "vyos-1.5", "203.0.113.1", "10.0.0.0/24", "10.255.0.1"),
  site("spoke-a", "spoke", "frr-linux", "198.51.100.11", "10.1.1.0/24", "10.255.0.11"),
  site("spoke-b", "spoke", "cisco-ios", "198.51.100.12", "10.1.2.0/24", "10.255.0.12"),
];

function inventoryFile(name: string, net: NetworkSpec, sites: SiteSpec[], includeSecrets = true): string {
  const file = join(dir, name);
  writeFileSync(file, toInventoryYaml({ networks: [net], sites }, { includeSecrets }));
  return file;
}

describe("dmvpn validate", () => {
  it("prints a one-line summary and exits 0 for a valid inventory", async () => {
    const r = await dmvpn("validate", "--inventory", inventoryFile("valid.yaml", network(), SITES));
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toContain("1 network(s), 3 site(s) (1 hub(s), 2 spoke(s))");
  });

  it("prints every problem, one per line, and exits 1", async () => {
    const bad = [...SITES, { ...site("spoke-c", "spoke", "vyos-1.4", "198.51.100.11", "10.1.1.0/25", "10.255.0.13") }];
    const file = inventoryFile("invalid.yaml", network(), bad);
    const text = readFileSync(file, "utf8");
    const expected = parseInventoryYaml(text).issues.map(formatIssue);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const r = await dmvpn("validate", "--inventory", file);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual(expected);
    expect(r.stdout).toMatch(/networks\[0\]\.sites\[\d\]\.publicAddress: 198\.51\.100\.11 is (already|also)/);
    expect(r.stdout).toMatch(
      /networks\[0\]\.sites\[\d\]\.lanPrefixes\[0\]: 10\.1\.1\.0\/25 overlaps 10\.1\.1\.0\/24 of spoke-a/,
    );
  });

  it("refuses NHRP authentication while a member runs FRR 8.4, naming the site and field; accepts it on FRR 10", async () => {
    const authed = network({ nhrpAuth: "dmvpn1" });
    const mixed = await dmvpn("validate", "--inventory", inventoryFile("auth-mixed.yaml", authed, SITES));
    expect(mixed.code).toBe(1);
    // spoke-a is the second site of the first network in the file; the problem is the network's setting.
    expect(mixed.stdout.trim().split("\n")).toEqual([
      "networks[0].nhrpAuth: spoke-a runs FRR 8.4, which has no `ip nhrp authentication` (added in 10.2): clear it, or move spoke-a to FRR 10 (frr-linux-10)",
    ]);
    // The same inventory is what `render` refuses.
    const rendered = await dmvpn("render", "--inventory", join(dir, "auth-mixed.yaml"), "--site", "spoke-a");
    expect(rendered.code).toBe(1);
    expect(rendered.stdout + rendered.stderr).toContain("spoke-a runs FRR 8.4");

    const all10 = SITES.map((s) => (s.platform === "frr-linux" ? { ...s, platform: "frr-linux-10" as const } : s));
    const ok = await dmvpn("validate", "--inventory", inventoryFile("auth-10.yaml", authed, all10));
    expect(ok.stdout).toContain("valid");
    expect(ok.code).toBe(0);
  });

  it("reports what the site's platform cannot render against the site's own field", async () => {
    const bad = SITES.map((s) => (s.name === "spoke-a" ? { ...s, wanInterface: "GigabitEthernet0/1" } : s));
    const r = await dmvpn("validate", "--inventory", inventoryFile("bad-wan.yaml", network(), bad));
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe("networks[0].sites[1].wanInterface: GigabitEthernet0/1 is not a Linux interface name");
  });

  it("reports a network without a hub, which nothing can be rendered for", async () => {
    const r = await dmvpn("validate", "--inventory", inventoryFile("no-hub.yaml", network(), SITES.slice(1)));
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe("networks[0]: has no hub: add at least one hub before rendering configs");
  });

  it("reports an unreadable file", async () => {
    const r = await dmvpn("validate", "--inventory", join(dir, "nope.yaml"));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("no such file");
  });
});

describe("dmvpn render", () => {
  it("writes one site's files to stdout, each after a ### line", async () => {
    const file = inventoryFile("render.yaml", network(), SITES);
    const r = await dmvpn("render", "--inventory", file, "--site", "spoke-a");
    expect(r.code).toBe(0);
    const expected = renderSiteConfig({
      network: network(),
      site: SITES[1] as SiteSpec,
      hubs: [SITES[0] as SiteSpec],
      spokes: SITES.slice(1),
    });
    expect(r.stdout).toBe(expected.files.map((f) => `### ${f.name}\n${f.content}`).join(""));
    expect(r.stdout.match(/^### /gm)).toHaveLength(4);
  });

  it("honours --target and rejects an unknown one", async () => {
    const file = inventoryFile("target.yaml", network(), SITES);
    const r = await dmvpn("render", "--inventory", file, "--site", "spoke-a", "--target", "vyos-1.4");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### commands\.vyos\n/);
    expect(r.stdout).toContain("set protocols nhrp tunnel tun0 map 10.255.0.1/24 register");
    const bad = await dmvpn("render", "--inventory", file, "--site", "spoke-a", "--target", "junos");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("junos");
  });

  it("sends render errors to stderr and exits 1, without the secret", async () => {
    const file = inventoryFile("auth.yaml", network({ nhrpAuth: "abc" }), SITES);
    const r = await dmvpn("render", "--inventory", file, "--site", "spoke-a");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("spoke-a: network.nhrpAuth:");
    expect(r.stderr).not.toContain(PSK);
    const unknown = await dmvpn("render", "--inventory", file, "--site", "nobody");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no site named nobody");
  });

  it("refuses an export without secrets", async () => {
    const file = inventoryFile("nosecret.yaml", network(), SITES, false);
    const r = await dmvpn("render", "--inventory", file, "--site", "spoke-b");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("networks[0].ipsecPsk: is missing");
    expect((await dmvpn("validate", "--inventory", file)).code).toBe(0);
  });

  it("--all --out writes every site, owner-only, and still writes the good ones when one fails", async () => {
    const out = join(dir, "out");
    const ok = await dmvpn("render", "--inventory", inventoryFile("all.yaml", network(), SITES), "--all", "--out", out);
    expect(ok.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["hub-1", "spoke-a", "spoke-b"]);
    expect(readdirSync(join(out, "spoke-a")).sort()).toEqual(["frr.conf", "gre.sh", "iptables.sh", "swanctl.conf"]);
    expect(readFileSync(join(out, "spoke-b", "config.ios"), "utf8")).toContain("interface Tunnel0");
    expect(statSync(join(out, "spoke-a", "swanctl.conf")).mode & 0o077).toBe(0);

    const out2 = join(dir, "out2");
    const partial = await dmvpn(
      "render",
      "--inventory",
      inventoryFile("all-auth.yaml", network({ nhrpAuth: "abc" }), SITES),
      "--all",
      "--out",
      out2,
    );
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain("spoke-a: network.nhrpAuth");
    expect(readdirSync(out2).sort()).toEqual(["hub-1", "spoke-b"]);
  });

  it("needs exactly one of --site and --all", async () => {
    const file = inventoryFile("usage.yaml", network(), SITES);
    expect((await dmvpn("render", "--inventory", file)).code).toBe(1);
    expect((await dmvpn("render", "--inventory", file, "--all")).stderr).toContain("--out");
  });
});
