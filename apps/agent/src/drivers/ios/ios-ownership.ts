import {
  type IosNode,
  iosKeyOf as keyOf,
  IOS_NOISE as NOISE,
  iosNameOwned as nameOwned,
  parseIosConfig,
} from "@dmvpn/render/ios-config";

export { type IosNode, parseIosConfig };

/**
 * What the console owns in an IOS running config, and the commands that make the router match a rendered config:
 * the rendered lines are typed in (IOS merges them), and owned statements the rendered config no longer has are
 * removed first with `no …`, as the VyOS driver deletes stale owned paths (render/vyos-ownership.ts).
 *
 * Owned by name, fully: the tunnel interface, the crypto objects named DMVPN, the DMVPN-FROM-HUBS prefix list.
 * Owned by history: anything else (BGP neighbours and networks, static routes, the BGP process itself) only when
 * the last confirmed rendered config had it, so statements an operator added by hand on a shared router stay.
 */
const find = (nodes: IosNode[] | undefined, text: string) => nodes?.find((n) => keyOf(n.text) === keyOf(text));

/** `no X` for `X`, `X` for `no X`; a BGP neighbour goes as a whole (`no neighbor A` drops its every line). */
function negation(text: string): string {
  if (text.startsWith("no ")) return text.slice(3);
  const neighbour = /^neighbor (\S+) remote-as /.exec(text);
  if (neighbour) return `no neighbor ${neighbour[1]}`;
  if (text.startsWith("crypto ipsec transform-set ")) return `no ${keyOf(text)}`;
  return `no ${text}`;
}

function removedNeighbour(text: string): string | null {
  return /^neighbor (\S+) remote-as /.exec(text)?.[1] ?? null;
}

/** Stale children of one section, as the commands that remove them (typed inside the section). */
function staleChildren(
  rendered: IosNode | undefined,
  running: IosNode,
  previous: IosNode | undefined,
  fullyOwned: boolean,
  goneNeighbours: Set<string>,
  depth: number,
): string[] {
  const out: string[] = [];
  for (const child of running.children) {
    const r = find(rendered?.children, child.text);
    const p = find(previous?.children, child.text);
    if (r) {
      if (child.children.length > 0) {
        const inner = staleChildren(r, child, p, fullyOwned, goneNeighbours, depth + 1);
        if (inner.length > 0) out.push(`${" ".repeat(depth)}${r.text}`, ...inner, `${" ".repeat(depth)}exit`);
      }
      continue;
    }
    if (!fullyOwned && !p) continue;
    const nb = /^neighbor (\S+) /.exec(child.text)?.[1];
    if (nb && goneNeighbours.has(nb) && removedNeighbour(child.text) === null) continue;
    const gone = removedNeighbour(child.text);
    if (gone) goneNeighbours.add(gone);
    out.push(`${" ".repeat(depth)}${negation(child.text)}`);
  }
  return out;
}

export interface IosDeployPlan {
  /** typed in configuration mode, in order */
  commands: string[];
  /** false when the router already runs every rendered statement and holds no stale owned one */
  changes: boolean;
}

/** The configuration-mode commands that turn `running` into `rendered`, given the last confirmed rendered config. */
export function iosDeployPlan(rendered: string, running: string, previous: string): IosDeployPlan {
  const R = parseIosConfig(rendered);
  const U = parseIosConfig(running);
  const P = parseIosConfig(previous);
  const inSections: string[] = [];
  const wholeSections: string[] = [];
  for (const u of U) {
    const r = find(R, u.text);
    const p = find(P, u.text);
    const owned = nameOwned(u.text);
    if (!r) {
      if (owned || p) wholeSections.unshift(negation(u.text));
      continue;
    }
    if (u.children.length === 0) continue;
    // BGP neighbours removed at the process level also go from its address families
    const gone = new Set<string>();
    const stale = staleChildren(r, u, p, owned, gone, 1);
    if (stale.length > 0) inSections.push(r.text, ...stale, "exit");
  }
  const missing = (nodes: IosNode[], have: IosNode[] | undefined): boolean =>
    nodes.some((n) => {
      const h = have?.find((x) => x.text === n.text);
      return !h || missing(n.children, h.children);
    });
  const push = rendered
    .replace(/\r/g, "")
    .split("\n")
    .filter((l) => l.trim() && !NOISE.test(l.trim()));
  const changes = inSections.length > 0 || wholeSections.length > 0 || missing(R, U);
  // stale statements inside sections first (a tunnel drops its crypto profile before the profile goes), then whole
  // stale sections, last first, then the rendered config
  return { commands: changes ? [...inSections, ...wholeSections, ...push] : [], changes };
}

/** IOS needs `archive` with a `path` for `configure terminal revert timer` and `configure confirm`. */
export function archivePath(running: string): string | null {
  const archive = parseIosConfig(running).find((n) => n.text === "archive");
  const path = archive?.children.find((c) => c.text.startsWith("path "));
  return path ? path.text.slice(5) : null;
}
