/**
 * Builds the VyOS CLI tree fixture the renderer's tests check `set` lines against, from VyOS's own interface
 * definitions (vyos/vyos-1x `interface-definitions/*.xml.in`, with their `#include` files expanded).
 *
 *   npx tsx packages/render/scripts/extract-vyos-cli-tree.ts <vyos-1x git dir> <ref> <out.json>
 *
 * Only the subtrees the renderer writes are kept. Node kinds, `valueless`, `multi`, and `<regex>` constraints are
 * recorded; validators (external programs) are recorded by name only.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

export interface CliNode {
  kind: "node" | "tag" | "leaf";
  valueless?: true;
  multi?: true;
  regex?: string[];
  validators?: string[];
  children?: Record<string, CliNode>;
}

const KEEP: string[][] = [
  ["interfaces", "tunnel"],
  ["protocols", "nhrp"],
  ["protocols", "bgp"],
  ["protocols", "static"],
  ["vpn", "ipsec"],
  ["policy", "prefix-list"],
  ["system", "config-management"],
];
const FILES = [
  "interfaces_tunnel.xml.in",
  "protocols_nhrp.xml.in",
  "protocols_bgp.xml.in",
  "protocols_static.xml.in",
  "vpn_ipsec.xml.in",
  "policy.xml.in",
  "system_config-management.xml.in",
];

function gitShow(repo: string, ref: string, path: string): string {
  return execFileSync("git", ["-C", repo, "show", `${ref}:${path}`], { encoding: "utf8", maxBuffer: 64 << 20 });
}

function expandIncludes(repo: string, ref: string, text: string, depth = 0): string {
  if (depth > 20) throw new Error("include nesting too deep");
  return text.replace(/^\s*#include <([^>]+)>\s*$/gm, (_m, file: string) =>
    expandIncludes(repo, ref, gitShow(repo, ref, `interface-definitions/${file}`), depth + 1),
  );
}

const TOKEN = /<(\/?)(node|tagNode|leafNode|valueless|multi|regex|validator)\b([^>]*?)(\/?)>|<\/regex>/g;

/** A small pull parser: the definitions use a handful of elements and never nest them oddly. */
export function parseDefinitions(xml: string): Record<string, CliNode> {
  const root: CliNode = { kind: "node", children: {} };
  const stack: CliNode[] = [root];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(xml); m; m = TOKEN.exec(xml)) {
    const [whole, closing, tag, attrs = "", selfClosing] = m;
    if (whole === "</regex>") continue;
    const top = stack[stack.length - 1] as CliNode;
    if (tag === "node" || tag === "tagNode" || tag === "leafNode") {
      if (closing) {
        stack.pop();
        continue;
      }
      const name = /name\s*=\s*"([^"]+)"/.exec(attrs)?.[1];
      if (!name) throw new Error(`element without name: ${whole}`);
      const kind = tag === "node" ? "node" : tag === "tagNode" ? "tag" : "leaf";
      top.children ??= {};
      // The same node is defined by several files (e.g. `protocols`); merge them.
      const node = top.children[name] ?? { kind };
      top.children[name] = node;
      if (!selfClosing) stack.push(node);
    } else if (tag === "valueless") top.valueless = true;
    else if (tag === "multi") top.multi = true;
    else if (tag === "validator") {
      const name = /name\s*=\s*"([^"]+)"/.exec(attrs)?.[1] ?? "?";
      const argument = /argument\s*=\s*"([^"]*)"/.exec(attrs)?.[1];
      top.validators = [...(top.validators ?? []), argument ? `${name} ${argument}` : name];
    } else if (tag === "regex" && !closing) {
      const end = xml.indexOf("</regex>", TOKEN.lastIndex);
      top.regex = [...(top.regex ?? []), xml.slice(TOKEN.lastIndex, end)];
      TOKEN.lastIndex = end;
    }
  }
  return root.children ?? {};
}

/** Files are parsed one by one (an unbalanced close tag in one must not unbalance the next), then merged. */
function mergeTrees(into: Record<string, CliNode>, from: Record<string, CliNode>): Record<string, CliNode> {
  for (const [name, node] of Object.entries(from)) {
    const have = into[name];
    if (!have) into[name] = node;
    else if (node.children) have.children = mergeTrees(have.children ?? {}, node.children);
  }
  return into;
}

function prune(tree: Record<string, CliNode>): Record<string, CliNode> {
  const out: Record<string, CliNode> = {};
  for (const [top, second] of KEEP) {
    const node = tree[top as string]?.children?.[second as string];
    if (!node) continue;
    out[top as string] ??= { kind: "node", children: {} };
    (out[top as string] as CliNode).children![second as string] = node;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [repo, ref, outFile] = process.argv.slice(2);
  if (!repo || !ref || !outFile) throw new Error("usage: extract-vyos-cli-tree <vyos-1x git dir> <ref> <out.json>");
  const tree = FILES.map((f) =>
    parseDefinitions(expandIncludes(repo, ref, gitShow(repo, ref, `interface-definitions/${f}`))),
  ).reduce(mergeTrees, {});
  const commit = execFileSync("git", ["-C", repo, "rev-parse", ref], { encoding: "utf8" }).trim();
  const fixture = { source: `vyos/vyos-1x ${ref} ${commit}`, tree: prune(tree) };
  writeFileSync(outFile, `${JSON.stringify(fixture, null, 1)}\n`);
}
