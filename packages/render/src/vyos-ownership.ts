import { BGP_FROM_HUBS_PREFIX_LIST, BGP_SPOKE_PEER_GROUP, IPSEC_NAMES, TUNNEL_INTERFACE } from "./naming";

/**
 * What the console owns on a VyOS router, and the `delete` commands that make a deploy declarative. The agent
 * (apply) and the console (drift) both use this module, so "owned" has one definition.
 *
 * - Exclusive subtrees carry names only the console uses; everything under them is the console's.
 * - Entries in shared lists (a BGP neighbour, a `network`, a static route's next hop) are the console's when the
 *   config it renders now, or the one it deployed before, sets them. A LAN or hub taken out of the inventory is no
 *   longer rendered, but the previous revision still names it, so it is deleted; the user's own neighbours and
 *   routes appear in neither and are left alone. A rule such as "every static route via the tunnel prefix" would
 *   also take routes the user made through the tunnel, and a route description would be one more value to keep
 *   in step.
 * - BGP globals (`system-as`, `parameters router-id`) and `vpn ipsec interface` are set but never deleted: the
 *   user's own BGP sessions and IPsec peers need them too.
 *
 * VyOS commits the difference between the active and the working tree, compared value by value (vyatta-cfg
 * `src/commit/commit-algorithm.cpp`, `_get_commit_leaf_node`), so deleting and setting a statement again in one
 * session changes nothing; still, only stale statements are deleted, which keeps the command stream readable and
 * leaves the order of a multi-valued leaf's remaining values alone (a moved value counts as changed there).
 *
 * Pure and dependency-free: the agent bundles it.
 */

const TUNNEL = TUNNEL_INTERFACE["vyos-1.5"];

export const VYOS_EXCLUSIVE_SUBTREES: readonly (readonly string[])[] = [
  ["interfaces", "tunnel", TUNNEL],
  ["protocols", "nhrp", "tunnel", TUNNEL],
  ["vpn", "ipsec", "esp-group", IPSEC_NAMES.vyosEspGroup],
  ["vpn", "ipsec", "ike-group", IPSEC_NAMES.vyosIkeGroup],
  ["vpn", "ipsec", "profile", IPSEC_NAMES.vyosProfile],
  ["protocols", "bgp", "peer-group", BGP_SPOKE_PEER_GROUP],
  ["policy", "prefix-list", BGP_FROM_HUBS_PREFIX_LIST],
];

interface EntryPattern {
  /** `*` stands for one word (a tag value). */
  pattern: readonly string[];
  /** When the last owned entry under this many leading words goes, the (then empty) node goes with it. */
  collapseTo?: number;
}

export const VYOS_OWNED_ENTRIES: readonly EntryPattern[] = [
  { pattern: ["protocols", "bgp", "neighbor", "*"] },
  { pattern: ["protocols", "bgp", "listen", "range", "*"] },
  { pattern: ["protocols", "bgp", "address-family", "ipv4-unicast", "network", "*"] },
  { pattern: ["protocols", "bgp", "address-family", "ipv4-unicast", "aggregate-address", "*"] },
  // `route P` is shared (the user may add next hops of their own); it goes only when nothing is left under it.
  { pattern: ["protocols", "static", "route", "*", "next-hop", "*"], collapseTo: 4 },
];

/** One config statement as words; `value` is the leaf value, kept apart from the path. */
export interface VyosStatement {
  path: string[];
  value?: string;
}

/**
 * Splits a `set`/`delete` line into words the way vbash does: '…' literal, "…" with backslash escapes, bare
 * words with backslash escapes, adjacent pieces joined. A leaf value is the last word when it was quoted: VyOS's
 * `show configuration commands` (`cli-shell-api showCfg | vyos-config-to-commands`, rendered by vyos1x-config
 * `Config_tree.Renderer.render_commands`) and the renderer both quote every leaf value and no path word or tag
 * value. A line that does not parse (a value VyOS printed with a bare quote in it) is ignored, never deleted.
 */
export function parseVyosLine(line: string): { op: "set" | "delete"; statement: VyosStatement } | null {
  const trimmed = line.trim();
  if (!/^(set|delete)\s/.test(trimmed)) return null;
  const words: { text: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < trimmed.length) {
    while (trimmed[i] === " " || trimmed[i] === "\t") i++;
    if (i >= trimmed.length) break;
    let text = "";
    let quoted = false;
    while (i < trimmed.length && trimmed[i] !== " " && trimmed[i] !== "\t") {
      const c = trimmed[i] as string;
      if (c === "'") {
        const end = trimmed.indexOf("'", i + 1);
        if (end < 0) return null;
        text += trimmed.slice(i + 1, end);
        quoted = true;
        i = end + 1;
      } else if (c === '"') {
        quoted = true;
        i++;
        while (i < trimmed.length && trimmed[i] !== '"') {
          if (trimmed[i] === "\\" && i + 1 < trimmed.length) i++;
          text += trimmed[i];
          i++;
        }
        if (i >= trimmed.length) return null;
        i++;
      } else if (c === "\\" && i + 1 < trimmed.length) {
        text += trimmed[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    words.push({ text, quoted });
  }
  const [op, ...rest] = words;
  if (!op || rest.length === 0) return null;
  const last = rest[rest.length - 1] as { text: string; quoted: boolean };
  const statement: VyosStatement = last.quoted
    ? { path: rest.slice(0, -1).map((w) => w.text), value: last.text }
    : { path: rest.map((w) => w.text) };
  return { op: op.text as "set" | "delete", statement };
}

/** The `set` statements of a rendered command file or of `show configuration commands` output. */
export function vyosSetStatements(text: string): VyosStatement[] {
  const out: VyosStatement[] = [];
  for (const line of text.split("\n")) {
    const parsed = parseVyosLine(line);
    if (parsed?.op === "set") out.push(parsed.statement);
  }
  return out;
}

const BARE_WORD = /^[A-Za-z0-9_./:@+,=-]+$/;

/** Single-quoted for vbash; a quote inside closes, escapes and reopens (`'it'\''s'`). */
function quoteWord(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/** One canonical spelling: path words bare when they can be, the value always quoted. */
export function formatVyosStatement(op: "set" | "delete", s: VyosStatement): string {
  const path = s.path.map((w) => (BARE_WORD.test(w) ? w : quoteWord(w))).join(" ");
  return s.value === undefined ? `${op} ${path}` : `${op} ${path} ${quoteWord(s.value)}`;
}

/** Equality that ignores quoting: a value VyOS printed bare compares equal to the same value quoted. */
const key = (s: VyosStatement) => JSON.stringify(s.value === undefined ? s.path : [...s.path, s.value]);

function startsWith(words: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= words.length && prefix.every((w, i) => w === words[i]);
}

function matchesPattern(words: readonly string[], pattern: readonly string[]): boolean {
  return pattern.length <= words.length && pattern.every((w, i) => w === "*" || w === words[i]);
}

/** Owned roots: the exclusive subtrees, plus each entry set by `rendered` or `previous`. */
function ownedRoots(rendered: VyosStatement[], previous: VyosStatement[]): { root: string[]; collapseTo?: number }[] {
  const roots: { root: string[]; collapseTo?: number }[] = VYOS_EXCLUSIVE_SUBTREES.map((r) => ({ root: [...r] }));
  const seen = new Set<string>();
  for (const s of [...rendered, ...previous]) {
    for (const e of VYOS_OWNED_ENTRIES) {
      if (!matchesPattern(s.path, e.pattern)) continue;
      const root = s.path.slice(0, e.pattern.length);
      const k = JSON.stringify(root);
      if (seen.has(k)) continue;
      seen.add(k);
      roots.push({ root, collapseTo: e.collapseTo });
    }
  }
  return roots;
}

function ownerOf(s: VyosStatement, roots: { root: string[]; collapseTo?: number }[]) {
  return roots.find((r) => startsWith(s.path, r.root));
}

/** The statements of `running` the console owns, given what it renders now and what it deployed before. */
export function ownedVyosStatements(
  running: VyosStatement[],
  rendered: VyosStatement[],
  previous: VyosStatement[] = [],
): VyosStatement[] {
  const roots = ownedRoots(rendered, previous);
  return running.filter((s) => ownerOf(s, roots));
}

/**
 * The `delete` commands that remove every owned statement of `running` that `rendered` does not set, each at
 * the highest node nothing rendered still uses (a whole neighbour, a whole map entry). A stale value of a leaf
 * that stays rendered is deleted by value where the router holds several (a multi-valued leaf), else the leaf is
 * deleted and set again: right for single and multi-valued leaves alike. Statements already as rendered are
 * never deleted, so an unchanged config yields no command.
 */
export function staleVyosDeletes(
  running: VyosStatement[],
  rendered: VyosStatement[],
  previous: VyosStatement[] = [],
): VyosStatement[] {
  const roots = ownedRoots(rendered, previous);
  const renderedKeys = new Set(rendered.map(key));
  const used = (prefix: string[]) => rendered.some((r) => startsWith(r.path, prefix));
  const valuesOnRouter = new Map<string, number>();
  for (const s of running)
    valuesOnRouter.set(JSON.stringify(s.path), (valuesOnRouter.get(JSON.stringify(s.path)) ?? 0) + 1);
  let deletes: (VyosStatement & { collapseTo?: number })[] = [];
  for (const s of running) {
    const owner = ownerOf(s, roots);
    if (!owner || renderedKeys.has(key(s))) continue;
    let depth = owner.root.length;
    while (depth < s.path.length && used(s.path.slice(0, depth))) depth++;
    if (depth < s.path.length || !used(s.path)) {
      deletes.push({ path: s.path.slice(0, depth), collapseTo: owner.collapseTo });
    } else if (s.value !== undefined && (valuesOnRouter.get(JSON.stringify(s.path)) ?? 0) > 1) {
      deletes.push({ path: s.path, value: s.value });
    } else if (s.value !== undefined) {
      deletes.push({ path: s.path });
    }
  }
  deletes = withoutCovered(deletes);
  // A shared parent emptied by these deletes (a static route whose last next hop goes) goes too.
  const collapsed = deletes.map((d) => {
    if (d.collapseTo === undefined) return d;
    const parent = d.path.slice(0, d.collapseTo);
    if (used(parent)) return d;
    const left = running.some((s) => startsWith(s.path, parent) && !deletes.some((x) => covers(x, s)));
    return left ? d : { path: parent };
  });
  return withoutCovered(collapsed).map((d) =>
    d.value === undefined ? { path: d.path } : { path: d.path, value: d.value },
  );
}

/** Whether deleting `d` removes statement `s`. */
function covers(d: VyosStatement, s: VyosStatement): boolean {
  if (d.value !== undefined) return key(d) === key(s);
  return startsWith(s.path, d.path);
}

/** Drops deletes another one already covers, keeping the first position of each. */
function withoutCovered<T extends VyosStatement>(deletes: T[]): T[] {
  const out: T[] = [];
  for (const d of deletes) {
    if (out.some((o) => (o.value === undefined ? startsWith(d.path, o.path) : key(o) === key(d)))) continue;
    for (let i = out.length - 1; i >= 0; i--)
      if (d.value === undefined && startsWith((out[i] as T).path, d.path)) out.splice(i, 1);
    out.push(d);
  }
  return out;
}

/**
 * The whole command stream of one VyOS deploy: the stale owned statements deleted, then the rendered `set`
 * lines as the renderer spelt them. `running` is `show configuration commands`; `previous` the command file
 * deployed before, if known.
 */
export function vyosDeployCommands(rendered: string, running: string, previous = ""): string[] {
  const deletes = staleVyosDeletes(
    vyosSetStatements(running),
    vyosSetStatements(rendered),
    vyosSetStatements(previous),
  );
  const setLines = rendered
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => parseVyosLine(l)?.op === "set");
  return [...deletes.map((d) => formatVyosStatement("delete", d)), ...setLines];
}

/**
 * Without the statements that only name a node others are under (`set … neighbor X address-family
 * ipv4-unicast` next to `… ipv4-unicast prefix-list import 'L'`): VyOS prints a node on its own only while it is
 * empty, so such a statement never appears in `show configuration commands` once something is under it.
 */
export function withoutImpliedNodes(list: VyosStatement[]): VyosStatement[] {
  return list.filter(
    (s) => s.value !== undefined || !list.some((o) => o.path.length > s.path.length && startsWith(o.path, s.path)),
  );
}

/** True when every rendered statement is already on the router and nothing owned is stale. */
export function vyosUpToDate(rendered: string, running: string, previous = ""): boolean {
  const sets = vyosSetStatements(rendered);
  const runningSets = vyosSetStatements(running);
  const have = new Set(runningSets.map(key));
  return (
    withoutImpliedNodes(sets).every((s) => have.has(key(s))) &&
    staleVyosDeletes(runningSets, sets, vyosSetStatements(previous)).length === 0
  );
}

/**
 * Drift: the owned part of the router's `show configuration commands` (plus the shared statements the console
 * set, where they are still as set) next to the deployed command file, both
 * in one spelling and sorted (VyOS prints nodes in its own order), one statement per line.
 */
export function vyosDriftTexts(deployed: string, running: string): { deployed: string; running: string } {
  const deployedSets = vyosSetStatements(deployed);
  const runningSets = vyosSetStatements(running);
  const deployedKeys = new Set(deployedSets.map(key));
  // Shared statements the console sets (BGP globals, `vpn ipsec interface`) count where they match.
  const owned = [
    ...ownedVyosStatements(runningSets, deployedSets),
    ...runningSets.filter((s) => deployedKeys.has(key(s))),
  ];
  const canon = (all: VyosStatement[]) => {
    const list = withoutImpliedNodes(all);
    const lines = list.map((s) =>
      formatVyosStatement("set", { path: s.value === undefined ? s.path : [...s.path, s.value] }),
    );
    return `${[...new Set(lines)].sort().join("\n")}\n`;
  };
  return { deployed: canon(deployedSets), running: canon(owned) };
}

/**
 * What the agent sets once, in a plain commit before its first commit-confirm, where VyOS has the node (1.5,
 * vyos-1x T5976): an unconfirmed commit then reloads the previous revision instead of rebooting. VyOS refuses
 * `reload` without `commit-revisions` (the default config sets 100), so that is set too where it is missing.
 */
export const VYOS_COMMIT_CONFIRM_RELOAD = "set system config-management commit-confirm action 'reload'";
export const VYOS_COMMIT_REVISIONS = "set system config-management commit-revisions '100'";
