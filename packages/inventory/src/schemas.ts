import { z } from "zod";
import { ASN_PLANS, BGP_SUMMARY_MODES, NETWORK_DEFAULTS, PLATFORMS, ROUTING_PROTOCOLS, SITE_ROLES } from "./constants";
import { isIPv4Address, isUnusablePublicAddress, parsePrefix, prefixProblem } from "./ip";

/**
 * Field-level rules for networks and sites. They check one value at a time; rules that relate several records
 * (overlaps, duplicates, allocation) are in validate.ts. Field names are the same in the database, the API, the
 * forms, YAML and CSV.
 */

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const nameSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(63, "must be at most 63 characters")
  .regex(NAME_RE, "may contain letters, digits, '.', '_' and '-', and must start with a letter or digit");

// Later refinements guard themselves against an invalid address rather than abort: an aborting issue would also
// stop the cross-field rules (whenValid), which must report alongside it.
const ipv4Address = z.string().trim().refine(isIPv4Address, "must be an IPv4 address such as 203.0.113.10");

const ipv4Prefix = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = prefixProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** An empty form field (blank text, null, NaN from a number input) is missing, not "not a number". */
const blankToUndefined = (v: unknown) =>
  v === null || (typeof v === "string" && v.trim() === "") || (typeof v === "number" && Number.isNaN(v))
    ? undefined
    : typeof v === "string"
      ? Number(v)
      : v;

const int = (min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .number({ error: (iss) => (iss.input === undefined ? "is required" : "must be a number") })
      .int("must be a whole number")
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );

/**
 * Cross-field rules run as soon as the fields they read are valid, whatever else is wrong, so that one submit
 * shows every problem (zod skips refinements after any issue by default).
 */
const whenValid = (fields: readonly string[]) => ({
  when: (payload: z.core.ParsePayload) =>
    !payload.issues.some((i) => !i.path?.length || fields.includes(String(i.path[0]))),
});

/** 4-byte ASNs; 0, 23456 (AS_TRANS) and 4294967295 are reserved. */
export const asnSchema = int(1, 4294967294).refine((n) => n !== 23456, "23456 is AS_TRANS and cannot be used");

/**
 * Characters no router config can carry inside one value: VyOS single-quotes values (vbash: a quote ends them),
 * swanctl double-quotes them (a quote or backslash escapes out), IOS has no quoting at all and its CLI answers
 * `?` with help. Refused on input for the values written into configs verbatim; the renderer refuses them as
 * well (render/src/config-words.ts), for values stored before this rule.
 */
export const CONFIG_QUOTE_BREAKERS = /["'\\?]/;
const QUOTE_BREAKERS_MESSAGE = "must not contain quotes, backslashes or '?' (router configs cannot carry them)";

const proposal = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)+$/, "must be a strongSwan-style proposal such as aes256-sha256-modp2048");

export const pskSchema = z
  .string()
  .min(16, "must be at least 16 characters")
  .max(128, "must be at most 128 characters")
  .regex(/^[\x21-\x7e]+$/, "may contain printable ASCII characters without spaces only")
  .refine((s) => !/["'\\]/.test(s), "must not contain quotes or backslashes (they break router configs)");

/** Stricter on input than as stored (pskSchema), so that a key stored before the `?` rule still loads. */
const pskInputSchema = pskSchema.refine((s) => !CONFIG_QUOTE_BREAKERS.test(s), QUOTE_BREAKERS_MESSAGE);

const nhrpAuthText = z
  .string()
  .trim()
  .max(8, "must be at most 8 characters (NHRP carries it in clear text)")
  .regex(/^[\x21-\x7e]*$/, "may contain printable ASCII characters without spaces only");

const bgpSummaryModeSchema = z.enum(BGP_SUMMARY_MODES, { error: `must be one of ${BGP_SUMMARY_MODES.join(", ")}` });
const bgpSummariesSchema = z.array(ipv4Prefix).max(64, "at most 64 summaries");

/** The overlay's prefix; also the input of a renumbering. */
export const tunnelPrefixSchema = ipv4Prefix.refine(
  (p) => prefixProblem(p) !== null || Number(p.split("/")[1]) <= 30,
  "must be /30 or larger to hold hubs and spokes",
);

const networkFields = {
  name: nameSchema,
  description: z.string().max(500, "must be at most 500 characters").default(""),
  tunnelPrefix: tunnelPrefixSchema,
  greKey: int(0, 4294967295),
  nhrpNetworkId: int(1, 4294967295),
  nhrpHoldtime: int(30, 65535).default(NETWORK_DEFAULTS.nhrpHoldtime),
  nhrpAuth: nhrpAuthText.nullish().transform((v) => (v ? v : null)),
  phase: z.coerce
    .number()
    .refine((n) => n === 2 || n === 3, "must be 2 or 3")
    .default(NETWORK_DEFAULTS.phase),
  ipsecEnabled: z.coerce.boolean().default(NETWORK_DEFAULTS.ipsecEnabled),
  ikeProposal: proposal.default(NETWORK_DEFAULTS.ikeProposal),
  espProposal: proposal.default(NETWORK_DEFAULTS.espProposal),
  routing: z.enum(ROUTING_PROTOCOLS, { error: `must be one of ${ROUTING_PROTOCOLS.join(", ")}` }).default("bgp"),
  asnPlan: z.enum(ASN_PLANS, { error: `must be one of ${ASN_PLANS.join(", ")}` }).default("single"),
  bgpAsn: asnSchema.default(NETWORK_DEFAULTS.bgpAsn),
  asnRangeStart: asnSchema.default(NETWORK_DEFAULTS.asnRangeStart),
  asnRangeEnd: asnSchema.default(NETWORK_DEFAULTS.asnRangeEnd),
  tunnelMtu: int(576, 9000).default(NETWORK_DEFAULTS.tunnelMtu),
  tcpMss: int(500, 8960).default(NETWORK_DEFAULTS.tcpMss),
  /** Seconds; how fast BGP notices a dead hub. Limits in checkNetwork. */
  bgpKeepalive: int(1, 21845).default(NETWORK_DEFAULTS.bgpKeepalive),
  bgpHoldtime: int(0, 65535).default(NETWORK_DEFAULTS.bgpHoldtime),
  /** BFD on every BGP session of the network: sub-second failure detection, where every member supports it. */
  bfd: z.coerce.boolean().default(NETWORK_DEFAULTS.bfd),
  /** What phase-3 hubs announce for the spokes' LANs (constants.ts BGP_SUMMARY_MODES). */
  bgpSummaryMode: bgpSummaryModeSchema.default(NETWORK_DEFAULTS.bgpSummaryMode),
  /** The summaries of mode `custom`; kept but unused in the other modes. */
  bgpSummaries: bgpSummariesSchema.default([]),
};

type SummarySettings = {
  tunnelPrefix: string;
  bgpSummaryMode?: (typeof BGP_SUMMARY_MODES)[number];
  bgpSummaries?: string[];
};

/**
 * Rules within the list of custom summaries. Coverage of the spokes' LANs is checked with the sites
 * (summaries.ts uncoveredLanIssues). A field left out (an update that keeps the stored value) is not checked here;
 * the service checks the completed settings with the same function.
 */
export function bgpSummaryIssues(n: SummarySettings): FieldIssue[] {
  const list = n.bgpSummaries;
  if (list === undefined) return [];
  const issues: FieldIssue[] = [];
  if (n.bgpSummaryMode === "custom" && list.length === 0)
    issues.push({ path: ["bgpSummaries"], message: "give at least one prefix, or choose the mode none" });
  const tunnel = prefixProblem(n.tunnelPrefix) === null ? parsePrefix(n.tunnelPrefix) : null;
  list.forEach((p, i) => {
    const range = parsePrefix(p);
    const first = list.indexOf(p);
    if (first !== i) {
      issues.push({ path: ["bgpSummaries", i], message: `${p} is listed twice` });
      return;
    }
    const outer = list.find((q, j) => j !== i && q !== p && parsePrefix(q).contains(range));
    if (outer) issues.push({ path: ["bgpSummaries", i], message: `${p} lies inside ${outer}, which is listed too` });
    if (tunnel?.contains(range))
      issues.push({
        path: ["bgpSummaries", i],
        message: `${p} lies inside the tunnel prefix ${n.tunnelPrefix}: a summary is for the spokes' LANs`,
      });
  });
  return issues;
}

function checkSummaries(n: SummarySettings, ctx: z.RefinementCtx) {
  for (const issue of bgpSummaryIssues(n)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
}

type NetworkNumbers = {
  tunnelMtu: number;
  tcpMss: number;
  asnRangeStart: number;
  asnRangeEnd: number;
  bgpKeepalive: number;
  bgpHoldtime: number;
};

function checkHoldtime(n: NetworkNumbers, ctx: z.RefinementCtx) {
  // RFC 4271 4.2: a hold time is 0 (no keepalives) or at least 3 s; every target also wants room for 3 keepalives.
  if (n.bgpHoldtime !== 0 && n.bgpHoldtime < 3) {
    ctx.addIssue({ code: "custom", path: ["bgpHoldtime"], message: "must be 0 (never expire) or at least 3 seconds" });
  } else if (n.bgpHoldtime !== 0 && n.bgpHoldtime < 3 * n.bgpKeepalive) {
    ctx.addIssue({
      code: "custom",
      path: ["bgpHoldtime"],
      message: `must be at least 3 × bgpKeepalive (${3 * n.bgpKeepalive}), or 0`,
    });
  }
}

function checkMss(n: NetworkNumbers, ctx: z.RefinementCtx) {
  if (n.tcpMss > n.tunnelMtu - 40) {
    ctx.addIssue({ code: "custom", path: ["tcpMss"], message: `must be at most tunnelMtu − 40 (${n.tunnelMtu - 40})` });
  }
}

function checkAsnRange(n: NetworkNumbers, ctx: z.RefinementCtx) {
  if (n.asnRangeEnd < n.asnRangeStart) {
    ctx.addIssue({ code: "custom", path: ["asnRangeEnd"], message: "must not be below asnRangeStart" });
  }
}

function withNetworkChecks<T extends z.ZodType<NetworkNumbers>>(schema: T): T {
  return schema
    .superRefine(checkHoldtime, whenValid(["bgpHoldtime", "bgpKeepalive"]))
    .superRefine(checkMss, whenValid(["tcpMss", "tunnelMtu"]))
    .superRefine(checkAsnRange, whenValid(["asnRangeStart", "asnRangeEnd"]));
}

/**
 * A network as entered: the pre-shared key may be left out and is then generated (or kept, on an update); the
 * NHRP key may be left out and is then kept (none, for a new network).
 */
export const networkInputSchema = withNetworkChecks(
  z.object({
    ...networkFields,
    // Stricter on input than as stored (networkSchema), so that a network stored before the rule still loads.
    // A secret like the key: left out (undefined) means "keep the stored one"; null or "" means "none".
    nhrpAuth: nhrpAuthText
      .refine((v) => !CONFIG_QUOTE_BREAKERS.test(v), QUOTE_BREAKERS_MESSAGE)
      .nullable()
      .transform((v) => (v ? v : null))
      .optional(),
    ipsecPsk: pskInputSchema.optional(),
    // Left out (an older client, a form or file without them): the stored values are kept (auto, for a new one).
    bgpSummaryMode: bgpSummaryModeSchema.optional(),
    bgpSummaries: bgpSummariesSchema.optional(),
  }),
).superRefine(checkSummaries, whenValid(["tunnelPrefix", "bgpSummaryMode", "bgpSummaries"]));
export type NetworkInput = z.input<typeof networkInputSchema>;

/**
 * The summary settings of a parsed input completed from the stored network (or the defaults, for a new one): a
 * client that leaves them out must not reset them to auto.
 */
export function keptSummarySettings(
  input: { bgpSummaryMode?: NetworkSpec["bgpSummaryMode"]; bgpSummaries?: string[] },
  stored: Pick<NetworkSpec, "bgpSummaryMode" | "bgpSummaries"> | null | undefined,
): Pick<NetworkSpec, "bgpSummaryMode" | "bgpSummaries"> {
  return {
    bgpSummaryMode: input.bgpSummaryMode ?? stored?.bgpSummaryMode ?? NETWORK_DEFAULTS.bgpSummaryMode,
    bgpSummaries: input.bgpSummaries ?? stored?.bgpSummaries ?? [],
  };
}

/** A network as stored and rendered: every field present. */
export const networkSchema = withNetworkChecks(z.object({ ...networkFields, ipsecPsk: pskSchema })).superRefine(
  checkSummaries,
  whenValid(["tunnelPrefix", "bgpSummaryMode", "bgpSummaries"]),
);
export type NetworkSpec = z.output<typeof networkSchema>;

const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9_.:-]{0,31}$/,
    "tags are lower-case letters, digits, '_', '.', ':' and '-', at most 32 characters",
  );

// `.default(null)`: a key left out reads as optional to TypeScript and OpenAPI (a bare preprocess takes `unknown`).
const optionalNumber = (min: number, max: number, what: string) =>
  z
    .preprocess(
      (v) => (v === "" || v === undefined ? null : v),
      z.coerce
        .number({ error: `must be a ${what}` })
        .min(min, `must be at least ${min}`)
        .max(max, `must be at most ${max}`)
        .nullable(),
    )
    .default(null);

const optionalText = z
  .preprocess((v) => (v === "" || v === undefined ? null : v), z.string().trim().max(500).nullable())
  .default(null);

export const siteInputSchema = z
  .object({
    name: nameSchema,
    role: z.enum(SITE_ROLES, { error: "must be hub or spoke" }),
    platform: z.enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(", ")}` }),
    wanInterface: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9_.:/-]{0,31}$/, "must be an interface name such as eth0 or GigabitEthernet0/0"),
    publicAddress: z
      .preprocess(
        (v) => (v === "" || v === undefined || v === "dynamic" ? null : v),
        ipv4Address
          .refine(
            (a) => !isIPv4Address(a) || !isUnusablePublicAddress(a),
            "cannot be a loopback, multicast or reserved address",
          )
          .nullable(),
      )
      .default(null),
    behindNat: z.coerce.boolean().default(false),
    lanPrefixes: z.array(ipv4Prefix).max(64, "at most 64 prefixes per site").default([]),
    /** empty = allocate the next free address */
    tunnelAddress: z.preprocess((v) => (v === "" || v === undefined ? null : v), ipv4Address.nullable()).default(null),
    /** empty = the network's ASN plan decides */
    asn: z.preprocess((v) => (v === "" || v === undefined ? null : v), asnSchema.nullable()).default(null),
    latitude: optionalNumber(-90, 90, "latitude"),
    longitude: optionalNumber(-180, 180, "longitude"),
    address: optionalText,
    tags: z.array(tagSchema).max(20, "at most 20 tags").default([]),
    notes: z.string().max(2000, "must be at most 2000 characters").default(""),
  })
  .superRefine(
    (s, ctx) => {
      if (s.role === "hub" && !s.publicAddress) {
        ctx.addIssue({
          code: "custom",
          path: ["publicAddress"],
          message: "a hub needs a static public address (spokes resolve it)",
        });
      }
      if (s.role === "hub" && s.behindNat) {
        ctx.addIssue({
          code: "custom",
          path: ["behindNat"],
          message: "a hub cannot be behind NAT: spokes must reach its public address directly",
        });
      }
    },
    whenValid(["role", "publicAddress", "behindNat"]),
  )
  .superRefine(
    (s, ctx) => {
      if ((s.latitude === null) !== (s.longitude === null)) {
        ctx.addIssue({
          code: "custom",
          path: [s.latitude === null ? "latitude" : "longitude"],
          message: "give both latitude and longitude, or neither",
        });
      }
    },
    whenValid(["latitude", "longitude"]),
  )
  .superRefine(
    (s, ctx) => {
      const seen = new Set<string>();
      s.lanPrefixes.forEach((p, i) => {
        if (seen.has(p)) ctx.addIssue({ code: "custom", path: ["lanPrefixes", i], message: `${p} is listed twice` });
        seen.add(p);
      });
    },
    whenValid(["lanPrefixes"]),
  );
export type SiteInput = z.input<typeof siteInputSchema>;
export type SiteFields = z.output<typeof siteInputSchema>;

/** A site as stored: its tunnel address is allocated and it belongs to a network (by name). */
export type SiteSpec = Omit<SiteFields, "tunnelAddress"> & { network: string; tunnelAddress: string };

/** A problem with one field of one record; `path` locates it (e.g. ["sites", 3, "lanPrefixes", 0]). */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

export function zodIssues(error: z.ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    message: i.message,
  }));
}

/** "sites[3].lanPrefixes[0]: overlaps …" — the one way issues are printed (CLI, import preview, API errors). */
export function formatIssue(issue: FieldIssue): string {
  const where = issue.path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    "",
  );
  return where ? `${where}: ${issue.message}` : issue.message;
}
