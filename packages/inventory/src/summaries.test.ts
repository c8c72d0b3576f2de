import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planInventory } from "./document";
import { addressToNumber, numberToAddress } from "./ip";
import { bgpSummaryIssues, keptSummarySettings, networkInputSchema } from "./schemas";
import { effectiveSummaries, tightestSummaries } from "./summaries";
import { testNetwork, testSite } from "./test-fixtures";
import { validateNetworkSites } from "./validate";

/** [first, last] address numbers of a prefix, computed without ip-num (an oracle independent of summaries.ts). */
function span(prefix: string): [bigint, bigint] {
  const [addr, len] = prefix.split("/") as [string, string];
  const size = 1n << BigInt(32 - Number(len));
  const first = addressToNumber(addr);
  return [first, first + size - 1n];
}

/** The union of prefixes as maximal contiguous intervals. */
function union(prefixes: string[]): [bigint, bigint][] {
  const spans = prefixes.map(span).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [bigint, bigint][] = [];
  for (const [lo, hi] of spans) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
    else out.push([lo, hi]);
  }
  return out;
}

/** The fewest aligned blocks that make up [lo, hi]: from lo, always the largest block that starts there and fits. */
function greedyBlocks([lo, hi]: [bigint, bigint]): string[] {
  const blocks: string[] = [];
  let at = lo;
  while (at <= hi) {
    let len = 32;
    while (len > 0) {
      const size = 1n << BigInt(33 - len);
      if (at % size !== 0n || at + size - 1n > hi) break;
      len--;
    }
    blocks.push(`${numberToAddress(at)}/${len}`);
    at += 1n << BigInt(32 - len);
  }
  return blocks;
}

const lanArb = fc
  .record({
    block: fc.constantFrom("10.1", "10.2", "192.168"),
    third: fc.integer({ min: 0, max: 15 }),
    fourth: fc.integer({ min: 0, max: 255 }),
    length: fc.integer({ min: 20, max: 30 }),
  })
  .map(({ block, third, fourth, length }) => {
    const n = addressToNumber(`${block}.${third}.${fourth}`);
    const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - length)) - 1n);
    return `${numberToAddress(n & mask)}/${length}`;
  });

describe("tightestSummaries", () => {
  it("merges aligned neighbours and drops LANs inside others, never covering unused space", () => {
    expect(tightestSummaries(["10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24", "10.1.4.0/24", "192.168.50.0/24"])).toEqual([
      "10.1.1.0/24",
      "10.1.2.0/23",
      "10.1.4.0/24",
      "192.168.50.0/24",
    ]);
    // The issue's case: two far-apart LANs stay two summaries, not 10.0.0.0/13.
    expect(tightestSummaries(["10.6.0.0/24", "10.1.0.0/24"])).toEqual(["10.1.0.0/24", "10.6.0.0/24"]);
    // Merging cascades: four /24s become one /22; a LAN inside it adds nothing.
    expect(tightestSummaries(["10.0.3.0/24", "10.0.1.0/24", "10.0.2.128/25", "10.0.0.0/24", "10.0.2.0/24"])).toEqual([
      "10.0.0.0/22",
    ]);
    expect(tightestSummaries([])).toEqual([]);
  });

  it("property: covers every LAN, covers nothing else, and is the smallest such set, in any order", () => {
    fc.assert(
      fc.property(fc.array(lanArb, { maxLength: 40 }), fc.boolean(), (lans, reverse) => {
        const summaries = tightestSummaries(reverse ? [...lans].reverse() : lans);
        const lanUnion = union(lans);
        // Exactly the union: the summaries' own union is the LANs' union, and they do not overlap each other.
        expect(union(summaries)).toEqual(lanUnion);
        const total = summaries.map(span).reduce((acc, [lo, hi]) => acc + hi - lo + 1n, 0n);
        expect(total).toBe(lanUnion.reduce((acc, [lo, hi]) => acc + hi - lo + 1n, 0n));
        for (const lan of lans) {
          const [lo, hi] = span(lan);
          expect(summaries.some((s) => span(s)[0] <= lo && hi <= span(s)[1])).toBe(true);
        }
        // Smallest: the same blocks as the greedy decomposition of each contiguous run.
        expect(summaries).toEqual(lanUnion.flatMap(greedyBlocks));
      }),
      { numRuns: 300 },
    );
  });
});

describe("effectiveSummaries", () => {
  const sites = [
    testSite({ name: "hub", role: "hub", tunnelAddress: "10.255.0.1", lanPrefixes: ["10.0.0.0/24"] }),
    testSite({ name: "s1", tunnelAddress: "10.255.0.11", lanPrefixes: ["10.1.0.0/24", "10.1.1.0/24"] }),
  ];
  it("auto: the spokes' LANs only (a hub's own LAN is announced as it is)", () => {
    expect(effectiveSummaries(testNetwork(), sites)).toEqual(["10.1.0.0/23"]);
  });
  it("none and custom", () => {
    expect(effectiveSummaries(testNetwork({ bgpSummaryMode: "none", bgpSummaries: ["10.0.0.0/8"] }), sites)).toEqual(
      [],
    );
    expect(effectiveSummaries(testNetwork({ bgpSummaryMode: "custom", bgpSummaries: ["10.1.0.0/16"] }), sites)).toEqual(
      ["10.1.0.0/16"],
    );
  });
});

describe("custom summaries", () => {
  it("a spoke LAN outside every summary is refused, naming the site and the LAN", () => {
    const network = testNetwork({ bgpSummaryMode: "custom", bgpSummaries: ["10.1.0.0/16"] });
    const sites = [
      testSite({ name: "hub", role: "hub", tunnelAddress: "10.255.0.1", lanPrefixes: ["172.16.0.0/24"] }),
      testSite({ name: "s1", tunnelAddress: "10.255.0.11", lanPrefixes: ["10.1.5.0/24", "192.168.7.0/24"] }),
    ];
    expect(validateNetworkSites(network, sites)).toEqual([
      {
        path: ["sites", 1, "lanPrefixes", 1],
        message: "192.168.7.0/24 of s1 is not covered by any BGP summary (10.1.0.0/16)",
      },
    ]);
    expect(validateNetworkSites({ ...network, bgpSummaryMode: "auto" }, sites)).toEqual([]);
  });

  it("the list: at least one in custom mode, no duplicates, none inside another or inside the tunnel prefix", () => {
    const base = { tunnelPrefix: "10.255.0.0/24" };
    expect(bgpSummaryIssues({ ...base, bgpSummaryMode: "custom", bgpSummaries: [] })).toEqual([
      { path: ["bgpSummaries"], message: "give at least one prefix, or choose the mode none" },
    ]);
    expect(bgpSummaryIssues({ ...base, bgpSummaryMode: "none", bgpSummaries: [] })).toEqual([]);
    expect(
      bgpSummaryIssues({
        ...base,
        bgpSummaryMode: "custom",
        bgpSummaries: ["10.1.0.0/16", "10.1.4.0/22", "10.1.0.0/16", "10.255.0.0/25"],
      }).map((i) => `${i.path.join(".")}: ${i.message}`),
    ).toEqual([
      "bgpSummaries.1: 10.1.4.0/22 lies inside 10.1.0.0/16, which is listed too",
      "bgpSummaries.2: 10.1.0.0/16 is listed twice",
      "bgpSummaries.3: 10.255.0.0/25 lies inside the tunnel prefix 10.255.0.0/24: a summary is for the spokes' LANs",
    ]);
  });

  it("the input schema names each bad prefix by its index, and reports alongside other fields", () => {
    const r = networkInputSchema.safeParse({
      name: "n",
      tunnelPrefix: "10.255.0.0/24",
      greKey: "",
      nhrpNetworkId: 1,
      bgpSummaryMode: "custom",
      bgpSummaries: ["10.1.0.0/16", "10.2.0.1/16", "banana"],
    });
    expect(r.success).toBe(false);
    const issues = r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toEqual([
      "greKey: is required",
      "bgpSummaries.1: has host bits set; did you mean 10.2.0.0/16?",
      "bgpSummaries.2: must be an IPv4 prefix such as 10.1.0.0/24",
    ]);
    expect(
      networkInputSchema.safeParse({
        name: "n",
        tunnelPrefix: "10.255.0.0/24",
        greKey: 1,
        nhrpNetworkId: 1,
        bgpSummaryMode: "sometimes",
      }).error?.issues[0]?.message,
    ).toBe("must be one of auto, none, custom");
  });
});

describe("keptSummarySettings", () => {
  it("keeps the stored settings for fields left out, defaults to auto for a new network", () => {
    const stored = { bgpSummaryMode: "custom" as const, bgpSummaries: ["10.1.0.0/16"] };
    const parsed = networkInputSchema.parse({ name: "n", tunnelPrefix: "10.255.0.0/24", greKey: 1, nhrpNetworkId: 1 });
    expect(parsed.bgpSummaryMode).toBeUndefined();
    expect(keptSummarySettings(parsed, stored)).toEqual(stored);
    expect(keptSummarySettings(parsed, null)).toEqual({ bgpSummaryMode: "auto", bgpSummaries: [] });
    expect(keptSummarySettings({ bgpSummaryMode: "none" }, stored)).toEqual({
      bgpSummaryMode: "none",
      bgpSummaries: ["10.1.0.0/16"],
    });
  });
});

describe("import", () => {
  const stored = testNetwork({ bgpSummaryMode: "custom", bgpSummaries: ["10.1.0.0/16"] });
  const record = (fields: Record<string, unknown>) => ({
    networks: [
      {
        fields: { name: "corp", tunnelPrefix: "10.255.0.0/24", greKey: 42, nhrpNetworkId: 1, ...fields },
        at: ["networks", 0],
      },
    ],
    sites: [],
  });
  it("a file without the summary fields keeps the stored ones", () => {
    const plan = planInventory(record({}), { networks: [stored], sites: [] });
    expect(plan.issues).toEqual([]);
    expect(plan.inventory.networks[0]).toMatchObject({ bgpSummaryMode: "custom", bgpSummaries: ["10.1.0.0/16"] });
  });
  it("custom without a list is refused at the record (the stored list is empty)", () => {
    const plan = planInventory(record({ bgpSummaryMode: "custom" }), { networks: [testNetwork()], sites: [] });
    expect(plan.issues).toEqual([
      { path: ["networks", 0, "bgpSummaries"], message: "give at least one prefix, or choose the mode none" },
    ]);
  });
});
