import type { NetworkSpec, SiteSpec } from "@dmvpn/inventory";
import { describe, expect, it } from "vitest";
import { referenceNetwork, referenceSites } from "./__fixtures__/reference-network";
import { checkVyosSetLines, loadVyosCliTree } from "./__fixtures__/vyos-cli-check";
import { renderSiteConfig } from "./render";
import type { RenderTarget } from "./types";
import {
  formatVyosStatement,
  parseVyosLine,
  VYOS_COMMIT_CONFIRM_RELOAD,
  VYOS_COMMIT_REVISIONS,
  type VyosStatement,
  vyosDeployCommands,
  vyosDriftTexts,
  vyosSetStatements,
  vyosUpToDate,
  withoutImpliedNodes,
} from "./vyos-ownership";

type VyosTarget = Extract<RenderTarget, "vyos-1.4" | "vyos-1.5">;

function renderFile(network: NetworkSpec, sites: SiteSpec[], name: string, target: VyosTarget): string {
  const site = sites.find((s) => s.name === name) as SiteSpec;
  const config = renderSiteConfig({
    network,
    site,
    hubs: sites.filter((s) => s.role === "hub"),
    spokes: sites.filter((s) => s.role === "spoke"),
    target,
  });
  return (config.files[0] as { content: string }).content;
}

/**
 * A router's config as statements, changed by `set`/`delete` lines the way VyOS's CLI changes it: a `set` of a
 * single-valued leaf replaces its value, of a multi-valued leaf adds one; a `delete` removes the subtree (or one
 * value). Which leaves are multi-valued comes from the CLI definitions the renderer is checked against.
 */
class SimulatedRouter {
  statements: VyosStatement[];
  constructor(
    private readonly multi: (path: string[]) => boolean,
    lines: string[],
  ) {
    this.statements = [];
    this.run(lines);
  }

  run(lines: string[]): void {
    for (const line of lines) {
      const parsed = parseVyosLine(line);
      if (!parsed) continue;
      const { path, value } = parsed.statement;
      const same = (s: VyosStatement) => JSON.stringify(s.path) === JSON.stringify(path);
      if (parsed.op === "delete") {
        this.statements = this.statements.filter((s) =>
          value === undefined
            ? !path.every((w, i) => s.path[i] === w) || s.path.length < path.length
            : !(same(s) && s.value === value),
        );
      } else if (!this.statements.some((s) => same(s) && s.value === value)) {
        if (value !== undefined && !this.multi(path)) this.statements = this.statements.filter((s) => !same(s));
        this.statements.push(parsed.statement);
      }
    }
  }

  /**
   * As `show configuration commands` prints it (vyos1x-config `render_commands`): leaf values quoted, tag values
   * bare, and a node on its own line only while nothing is under it.
   */
  showCommands(): string {
    return `${withoutImpliedNodes(this.statements)
      .map((s) => formatVyosStatement("set", s))
      .join("\n")}\n`;
  }
}

type CliNode = ReturnType<typeof loadVyosCliTree>[string];
function multiLeaf(tree: Record<string, CliNode>) {
  return (path: string[]): boolean => {
    let children: Record<string, CliNode> | undefined = tree;
    for (let i = 0; i < path.length; i++) {
      const node: CliNode | undefined = children?.[path[i] as string];
      if (!node) return false;
      if (node.kind === "leaf") return node.multi === true;
      if (node.kind === "tag") i++;
      children = node.children;
    }
    return false;
  };
}

/** What the user configured on the router themselves: the console must never touch it. */
const USER_LINES = [
  "set interfaces ethernet eth1 address '192.168.77.1/24'",
  "set protocols bgp neighbor 192.0.2.9 remote-as '64999'",
  "set protocols bgp address-family ipv4-unicast network 198.51.100.0/24",
  "set protocols static route 0.0.0.0/0 next-hop 192.0.2.1",
  "set vpn ipsec ike-group USER-IKE key-exchange 'ikev2'",
];

const networkA = referenceNetwork();
const sitesA = referenceSites(networkA);
// B: spoke-b lost a LAN, hub-2 was removed, BGP became static routing.
const networkB = referenceNetwork({ routing: "static" });
const sitesB = referenceSites(networkB)
  .filter((s) => s.name !== "hub-2")
  .map((s) => (s.name === "spoke-b" ? { ...s, lanPrefixes: ["10.1.2.0/24"] } : s));

function deployAThenB(target: VyosTarget, site: string) {
  const tree = loadVyosCliTree(target === "vyos-1.4" ? "1.4" : "1.5");
  const fileA = renderFile(networkA, sitesA, site, target);
  const fileB = renderFile(networkB, sitesB, site, target);
  const router = new SimulatedRouter(multiLeaf(tree), USER_LINES);
  const first = vyosDeployCommands(fileA, router.showCommands());
  router.run(first);
  const second = vyosDeployCommands(fileB, router.showCommands(), fileA);
  router.run(second);
  return { tree, fileA, fileB, router, first, second };
}

const deletes = (commands: string[]) => commands.filter((c) => c.startsWith("delete "));

describe("declarative VyOS deploys", () => {
  it("1.5 spoke: A then B deletes exactly the stale nodes, and every line is valid VyOS", () => {
    const { tree, first, second } = deployAThenB("vyos-1.5", "spoke-b");
    expect(deletes(first)).toEqual([]);
    expect(deletes(second)).toEqual([
      "delete protocols nhrp tunnel tun0 multicast '203.0.113.2'",
      "delete protocols nhrp tunnel tun0 nhs tunnel-ip dynamic nbma '203.0.113.2'",
      "delete protocols bgp address-family ipv4-unicast network 10.1.2.0/24",
      "delete protocols bgp address-family ipv4-unicast network 10.1.3.0/24",
      "delete protocols bgp neighbor 10.255.0.1",
      "delete protocols bgp neighbor 10.255.0.2",
      "delete protocols static route 10.255.0.0/24 next-hop 10.255.0.2",
    ]);
    expect(checkVyosSetLines(tree, [...first, ...second])).toEqual([]);
  });

  it("1.4 spoke: the removed hub's NHRP map goes whole; static routes replace BGP", () => {
    const { tree, second, router, fileB } = deployAThenB("vyos-1.4", "spoke-b");
    expect(deletes(second)).toEqual([
      "delete protocols nhrp tunnel tun0 map 10.255.0.2/24",
      "delete protocols bgp address-family ipv4-unicast network 10.1.2.0/24",
      "delete protocols bgp address-family ipv4-unicast network 10.1.3.0/24",
      "delete protocols bgp neighbor 10.255.0.1",
      "delete protocols bgp neighbor 10.255.0.2",
    ]);
    expect(checkVyosSetLines(tree, second)).toEqual([]);
    expect(router.showCommands()).toContain("set protocols static route 10.1.1.0/24 next-hop 10.255.0.1\n");
    expect(vyosUpToDate(fileB, router.showCommands())).toBe(true);
  });

  it.each(["vyos-1.4", "vyos-1.5"] as const)(
    "%s hub: the removed hub and the spoke's lost LAN leave no trace",
    (target) => {
      const { tree, router, fileB, second } = deployAThenB(target, "hub-1");
      expect(checkVyosSetLines(tree, second)).toEqual([]);
      const shown = router.showCommands();
      expect(shown).not.toMatch(/10\.255\.0\.2\b|203\.0\.113\.2\b|10\.1\.3\.0|peer-group SPOKES|DMVPN-FROM-HUBS/);
      // What the console owns now is exactly B; the user's lines are all still there.
      expect(vyosDriftTexts(fileB, shown).running).toBe(vyosDriftTexts(fileB, fileB).deployed);
      for (const line of USER_LINES) expect(shown).toContain(`${line}\n`);
      // BGP globals are shared with the user's own BGP: set by the console, never deleted.
      expect(shown).toContain("set protocols bgp system-as '65000'\n");
    },
  );

  it.each(["vyos-1.4", "vyos-1.5"] as const)(
    "%s: every site of B ends up owning exactly B, through valid commands only",
    (target) => {
      for (const site of sitesB.map((s) => s.name)) {
        const { tree, router, fileB, first, second } = deployAThenB(target, site);
        expect(checkVyosSetLines(tree, [...first, ...second]), site).toEqual([]);
        const shown = router.showCommands();
        expect(vyosDriftTexts(fileB, shown).running, site).toBe(vyosDriftTexts(fileB, fileB).deployed);
        for (const line of USER_LINES) expect(shown, site).toContain(`${line}\n`);
        expect(vyosUpToDate(fileB, shown, fileB), site).toBe(true);
      }
    },
  );

  it("a redeploy of identical content deletes nothing and changes nothing", () => {
    const { router, fileB } = deployAThenB("vyos-1.5", "spoke-b");
    const before = router.showCommands();
    const again = vyosDeployCommands(fileB, before, fileB);
    expect(deletes(again)).toEqual([]);
    router.run(again);
    expect(router.showCommands()).toBe(before);
    expect(vyosUpToDate(fileB, before, fileB)).toBe(true);
  });

  it.each(["vyos-1.4", "vyos-1.5"] as const)(
    "%s: a BGP hub as VyOS prints it is up to date and without drift",
    (target) => {
      const tree = loadVyosCliTree(target === "vyos-1.4" ? "1.4" : "1.5");
      const fileA = renderFile(networkA, sitesA, "hub-1", target);
      const router = new SimulatedRouter(multiLeaf(tree), USER_LINES);
      router.run(vyosDeployCommands(fileA, router.showCommands()));
      const shown = router.showCommands();
      // VyOS does not print `… neighbor X address-family ipv4-unicast` on its own once something is under it.
      expect(shown).not.toContain("address-family ipv4-unicast\n");
      expect(vyosUpToDate(fileA, shown, fileA)).toBe(true);
      const drift = vyosDriftTexts(fileA, shown);
      expect(drift.running).toBe(drift.deployed);
    },
  );

  it("a static route goes whole with its last next hop, but stays while the user's own next hop is on it", () => {
    const tree = loadVyosCliTree("1.5");
    const withHub2 = referenceSites(networkB).map((s) => (s.name === "spoke-b" ? { ...s, lanPrefixes: [] } : s));
    const withoutHub2 = withHub2.filter((s) => s.name !== "hub-2");
    const before = renderFile(networkB, withHub2, "spoke-b", "vyos-1.5");
    const after = renderFile(networkB, withoutHub2, "spoke-b", "vyos-1.5");
    const router = new SimulatedRouter(multiLeaf(tree), [
      "set protocols static route 10.1.1.0/24 next-hop 192.0.2.254",
    ]);
    router.run(vyosDeployCommands(before, router.showCommands()));
    const commands = vyosDeployCommands(after, router.showCommands(), before);
    // hub-2's LAN was routed via hub-2 only: the route goes whole.
    expect(deletes(commands)).toContain("delete protocols static route 10.0.1.0/24");
    expect(checkVyosSetLines(tree, commands)).toEqual([]);
    router.run(commands);
    expect(router.showCommands()).toContain("set protocols static route 10.1.1.0/24 next-hop 192.0.2.254\n");
  });

  it("without the previous revision, entries it alone named are not the console's (nothing else is taken)", () => {
    const { router } = deployAThenB("vyos-1.5", "spoke-b");
    const shown = router.showCommands();
    expect(deletes(vyosDeployCommands(renderFile(networkB, sitesB, "spoke-b", "vyos-1.5"), shown))).toEqual([]);
  });
});

describe("VyOS command lines", () => {
  it("parses vbash quoting and tells leaf values from tag values", () => {
    expect(parseVyosLine("set protocols nhrp tunnel tun0 nhs tunnel-ip dynamic nbma '203.0.113.1'")).toEqual({
      op: "set",
      statement: {
        path: ["protocols", "nhrp", "tunnel", "tun0", "nhs", "tunnel-ip", "dynamic", "nbma"],
        value: "203.0.113.1",
      },
    });
    expect(parseVyosLine(`set interfaces tunnel tun0 description 'it'\\''s "x"'`)?.statement.value).toBe(`it's "x"`);
    expect(parseVyosLine(`set system host-name "a\\"b"`)?.statement.value).toBe('a"b');
    expect(parseVyosLine("delete protocols bgp neighbor 10.0.0.1")?.statement).toEqual({
      path: ["protocols", "bgp", "neighbor", "10.0.0.1"],
    });
    expect(parseVyosLine("set a 'unterminated")).toBeNull();
    expect(parseVyosLine("# comment")).toBeNull();
  });

  it("formats a value with a quote so that vbash reads it back", () => {
    const line = formatVyosStatement("set", { path: ["interfaces", "tunnel", "tun0", "description"], value: "it's" });
    expect(line).toBe("set interfaces tunnel tun0 description 'it'\\''s'");
    expect(parseVyosLine(line)?.statement.value).toBe("it's");
  });

  it("drift ignores what the console does not own, VyOS's order and its quoting", () => {
    const deployed = "set protocols nhrp tunnel tun0 holdtime '300'\nset interfaces tunnel tun0 mtu '1400'\n";
    const running = [
      "set interfaces ethernet eth0 address 'dhcp'",
      "set interfaces tunnel tun0 mtu 1400",
      "set protocols nhrp tunnel tun0 holdtime '300'",
    ].join("\n");
    const same = vyosDriftTexts(deployed, running);
    expect(same.running).toBe(same.deployed);
    const changed = vyosDriftTexts(deployed, `${running}\nset interfaces tunnel tun0 disable`);
    expect(changed.running).toContain("set interfaces tunnel tun0 disable");
    expect(vyosSetStatements(changed.deployed)).toHaveLength(2);
  });
});

describe("commit-confirm action", () => {
  it("exists on 1.5 and not on 1.4 (sagitta has no commit-confirm node: an unconfirmed commit reboots)", () => {
    const lines = [VYOS_COMMIT_CONFIRM_RELOAD, VYOS_COMMIT_REVISIONS];
    expect(checkVyosSetLines(loadVyosCliTree("1.5"), lines)).toEqual([]);
    expect(checkVyosSetLines(loadVyosCliTree("1.4"), [VYOS_COMMIT_REVISIONS])).toEqual([]);
    expect(checkVyosSetLines(loadVyosCliTree("1.4"), [VYOS_COMMIT_CONFIRM_RELOAD])).toEqual([
      `${VYOS_COMMIT_CONFIRM_RELOAD}: unknown node 'commit-confirm' after 'system config-management'`,
    ]);
  });
});
