import {
  type NetworkInput,
  type NetworkSpec,
  networkInputSchema,
  networkSchema,
  type SiteInput,
  type SiteSpec,
  siteInputSchema,
} from "@dmvpn/inventory";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readHeader } from "./header";
import { renderSiteConfig } from "./render";
import { RENDER_TARGETS, RenderError, type RenderTarget } from "./types";

/**
 * Issue 11 M1: no inventory value may change the structure of a rendered config. For every free-text field and
 * every target, an arbitrary string is either refused with an issue naming the field (by the inventory schema or
 * by the renderer) or lands in the output as data: the same files, the same lines, each line split into the same
 * words by the syntax that reads it (vbash for VyOS and the shell scripts, swanctl's quoting, IOS/FRR words),
 * and the only words that differ are the ones that carried the benign value, now carrying the new one.
 */

const NETWORK: NetworkInput = {
  name: "benignnet",
  description: "benign description",
  tunnelPrefix: "10.255.0.0/24",
  greKey: 42,
  nhrpNetworkId: 1,
  nhrpAuth: "BnAuth1",
  ipsecPsk: "Benign-psk-0123456789",
};
const UNSET = { tunnelAddress: null, asn: null, latitude: null, longitude: null, address: null };
const HUB: SiteInput = {
  name: "benignhub",
  role: "hub",
  platform: "vyos-1.5",
  wanInterface: "eth0",
  publicAddress: "203.0.113.1",
  lanPrefixes: ["10.0.0.0/24"],
  ...UNSET,
};
const SPOKE: SiteInput = {
  name: "benignspoke",
  role: "spoke",
  platform: "vyos-1.5",
  // not the hub's: the benign value must occur only where this site's value goes
  wanInterface: "eth7",
  publicAddress: "198.51.100.20",
  lanPrefixes: ["10.1.1.0/24"],
  ...UNSET,
  address: "1 Benign Street",
  notes: "benign notes",
};

type Parsed<T> = { ok: true; value: T } | { ok: false; paths: (string | number)[][] };

function parseNetwork(input: NetworkInput): Parsed<NetworkSpec> {
  const r = networkInputSchema.safeParse(input);
  if (!r.success) return { ok: false, paths: r.error.issues.map((i) => i.path as (string | number)[]) };
  return { ok: true, value: networkSchema.parse(r.data) };
}

function parseSite(input: SiteInput, tunnelAddress: string): Parsed<SiteSpec> {
  const r = siteInputSchema.safeParse(input);
  if (!r.success) return { ok: false, paths: r.error.issues.map((i) => i.path as (string | number)[]) };
  return { ok: true, value: { ...r.data, network: "benignnet", tunnelAddress, asn: null } };
}

/** Characters the shell acts on when unquoted. */
const SHELL_OPERATOR = /[;&|<>()`$"*?[\]{}~\n\r]/;

/** Words as vbash reads them: single quotes, backslash escapes; an unquoted operator or comment is its own word. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  const end = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return [...words, "<UNTERMINATED QUOTE>"];
      word = (word ?? "") + line.slice(i + 1, close);
      i = close;
    } else if (c === "\\") {
      word = (word ?? "") + (line[i + 1] ?? "");
      i++;
    } else if (c === " " || c === "\t") end();
    else if (c === "#" && word === null) {
      words.push("<COMMENT>");
      break;
    } else if (SHELL_OPERATOR.test(c)) {
      end();
      words.push(`<OPERATOR ${c}>`);
    } else word = (word ?? "") + c;
  }
  end();
  return words;
}

/** Words as swanctl.conf reads them: whitespace-separated, "…" with backslash escapes is one word. */
function swanctlWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] as string));
  return words;
}

/** IOS and FRR have no quoting: a word is what lies between spaces. */
const plainWords = (line: string) => line.split(/\s+/).filter(Boolean);

function wordsOf(fileName: string, line: string): string[] {
  if (fileName === "commands.vyos" || fileName.endsWith(".sh")) return shellWords(line);
  if (fileName === "swanctl.conf") return swanctlWords(line);
  return plainWords(line);
}

/** The files' bodies (headers hash the body and name the site; both are checked elsewhere). */
function bodies(network: NetworkSpec, sites: SiteSpec[], target: RenderTarget) {
  const hubs = sites.filter((s) => s.role === "hub");
  const spokes = sites.filter((s) => s.role === "spoke");
  return sites.map((site) =>
    renderSiteConfig({ network, site, hubs, spokes, target }).files.map((f) => ({
      name: f.name,
      body: readHeader(f.content)?.body ?? f.content,
    })),
  );
}

function expectSameStructure(
  benign: ReturnType<typeof bodies>,
  other: ReturnType<typeof bodies>,
  from: string,
  to: string,
) {
  expect(other.map((files) => files.map((f) => f.name))).toEqual(benign.map((files) => files.map((f) => f.name)));
  benign.forEach((files, s) => {
    files.forEach((file, i) => {
      const got = other[s]?.[i]?.body.split("\n") ?? [];
      const want = file.body.split("\n");
      expect(got.length, `${file.name}: line count`).toBe(want.length);
      want.forEach((line, l) => {
        const a = wordsOf(file.name, line);
        const b = wordsOf(file.name, got[l] as string);
        expect(b, `${file.name} line ${l + 1}: ${got[l]}`).toEqual(
          a.map((w) => (from && w.includes(from) ? w.replaceAll(from, () => to) : w)),
        );
      });
    });
  });
}

/** Arbitrary text, text full of the characters configs and shells care about, and that text after a valid prefix. */
const DANGEROUS = [..."'\"\\?;|&$`\n\r\t !#{}()<>*~^%,=/:.-_", "\u0000", "\u00a0", "é", "\u2028"];
const hostile = (validPrefix: string) =>
  fc.oneof(
    fc.string({ maxLength: 24 }),
    fc.string({ unit: fc.constantFrom(...DANGEROUS, ..."aZ09"), maxLength: 12 }),
    fc.string({ unit: fc.constantFrom(...DANGEROUS, ..."aZ09"), maxLength: 8 }).map((s) => `${validPrefix}${s}`),
    fc.string({ unit: fc.constantFrom(...DANGEROUS, ..."aZ09"), maxLength: 8 }).map((s) => `${s}${validPrefix}`),
  );

const NETWORK_FIELDS: { field: keyof NetworkInput; prefix: string }[] = [
  { field: "name", prefix: "net" },
  { field: "description", prefix: "" },
  { field: "nhrpAuth", prefix: "ab" },
  { field: "ipsecPsk", prefix: "Aa0Aa0Aa0Aa0Aa0Aa0" },
];
const SITE_FIELDS: { field: keyof SiteInput; prefix: string }[] = [
  { field: "name", prefix: "site" },
  { field: "wanInterface", prefix: "eth1" },
  { field: "address", prefix: "" },
  { field: "notes", prefix: "" },
];

function check(network: Parsed<NetworkSpec>, sites: Parsed<SiteSpec>[], path: string[], from: string, to: string) {
  const refused = [network, ...sites].flatMap((p) => (p.ok ? [] : p.paths));
  if (refused.length > 0) {
    // Refused on input: every issue names the field.
    for (const p of refused) expect(p[0]).toBe(path[1]);
    return;
  }
  const net = (network as { value: NetworkSpec }).value;
  const all = sites.map((s) => ({ ...(s as { value: SiteSpec }).value, network: net.name }));
  const base = parseNetwork(NETWORK) as { value: NetworkSpec };
  const baseSites = [parseSite(HUB, "10.255.0.1"), parseSite(SPOKE, "10.255.0.11")].map(
    (s) => (s as { value: SiteSpec }).value,
  );
  for (const target of RENDER_TARGETS) {
    const benignNet = target === "frr" ? { ...base.value, nhrpAuth: null } : base.value;
    const otherNet = target === "frr" && path[1] !== "nhrpAuth" ? { ...net, nhrpAuth: null } : net;
    let rendered: ReturnType<typeof bodies>;
    try {
      rendered = bodies(otherNet, all, target);
    } catch (e) {
      // Refused by the renderer: the issue names the field.
      if (!(e instanceof RenderError)) throw e;
      expect(e.issues.map((i) => i.path.slice(-1)[0])).toContain(path[1]);
      continue;
    }
    // An optional value cleared leaves its line out; that is not a value changing the structure.
    if (!to) continue;
    expectSameStructure(bodies(benignNet, baseSites, target), rendered, from, to);
  }
}

describe("no inventory value changes the structure of a rendered config", () => {
  for (const { field, prefix } of NETWORK_FIELDS) {
    it(`network.${field}, on every target`, () => {
      fc.assert(
        fc.property(hostile(prefix), (text) => {
          const network = parseNetwork({ ...NETWORK, [field]: text });
          const sites = [parseSite(HUB, "10.255.0.1"), parseSite(SPOKE, "10.255.0.11")];
          const to = network.ok ? String(network.value[field as keyof NetworkSpec] ?? "") : "";
          check(network, sites, ["network", field], String(NETWORK[field] ?? ""), to);
        }),
        { numRuns: 150 },
      );
    }, 60_000);
  }
  for (const { field, prefix } of SITE_FIELDS) {
    it(`site.${field}, on every target`, () => {
      fc.assert(
        fc.property(hostile(prefix), (text) => {
          const spoke = parseSite({ ...SPOKE, [field]: text }, "10.255.0.11");
          const to = spoke.ok ? String(spoke.value[field as keyof SiteSpec] ?? "") : "";
          check(
            parseNetwork(NETWORK),
            [parseSite(HUB, "10.255.0.1"), spoke],
            ["site", field],
            String(SPOKE[field] ?? ""),
            to,
          );
        }),
        { numRuns: 150 },
      );
    }, 60_000);
  }

  it("the reported injection: an NHRP key that closes VyOS's quote is refused with a field error", () => {
    const r = networkInputSchema.safeParse({ ...NETWORK, nhrpAuth: "';id;'" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path)).toEqual([["nhrpAuth"]]);
  });

  it("fields whose rules already allow only address or proposal characters stay that way", () => {
    // Addresses, prefixes and proposals reach the configs transformed (IOS masks, proposal keywords), so the word
    // comparison above does not apply; their accepted values hold no character any target's syntax treats specially.
    fc.assert(
      fc.property(hostile("10.1.2.0/24"), hostile("aes256-sha256-modp2048"), (text, proposal) => {
        const site = siteInputSchema.safeParse({ ...SPOKE, publicAddress: text, lanPrefixes: [text] });
        if (site.success) {
          expect(site.data.publicAddress ?? "").toMatch(/^[0-9.]*$/);
          for (const p of site.data.lanPrefixes) expect(p).toMatch(/^[0-9./]+$/);
        }
        const net = networkInputSchema.safeParse({ ...NETWORK, ikeProposal: proposal, espProposal: proposal });
        if (net.success) expect(`${net.data.ikeProposal} ${net.data.espProposal}`).toMatch(/^[a-z0-9-]+ [a-z0-9-]+$/);
      }),
      { numRuns: 300 },
    );
  });

  it("values stored before the input rules (or never validated) are refused by the renderer, naming the field", () => {
    const hub = (parseSite(HUB, "10.255.0.1") as { value: SiteSpec }).value;
    const spoke = (parseSite(SPOKE, "10.255.0.11") as { value: SiteSpec }).value;
    for (const [field, value] of [
      ["nhrpAuth", "';id;'"],
      ["ipsecPsk", "Benign-psk-0123456789?"],
      ["name", "net\nset system"],
    ] as const) {
      const network = { ...(parseNetwork(NETWORK) as { value: NetworkSpec }).value, [field]: value };
      const sites = [hub, spoke].map((s) => ({ ...s, network: network.name }));
      for (const target of RENDER_TARGETS) {
        const render = () => bodies(target === "frr" ? { ...network, nhrpAuth: null } : network, sites, target);
        if (target === "frr" && field === "nhrpAuth") continue;
        expect(render, `${target} ${field}`).toThrow(RenderError);
        try {
          render();
        } catch (e) {
          expect((e as RenderError).issues.map((i) => i.path)).toContainEqual(["network", field]);
          expect((e as RenderError).message).not.toContain(value);
        }
      }
    }
  });
});
