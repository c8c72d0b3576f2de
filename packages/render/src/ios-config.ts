import { BGP_FROM_HUBS_PREFIX_LIST, IPSEC_NAMES, TUNNEL_INTERFACE } from "./naming";

/**
 * IOS configs as indentation trees, and what of a router's config the console owns: shared by the agent's ios
 * driver (which statements to remove before typing a rendered config in) and the console's drift view (which
 * part of `show running-config` to compare with the deployed revision).
 */
export interface IosNode {
  text: string;
  children: IosNode[];
}

export const IOS_NOISE =
  /^(!.*|end|exit-address-family|Building configuration\.\.\.|Current configuration\s*:.*|Last configuration change.*|NVRAM config last updated.*)$/;

/** Indentation tree of an IOS config (rendered or `show running-config`); comments and banners left out. */
export function parseIosConfig(text: string): IosNode[] {
  const root: IosNode = { text: "", children: [] };
  const stack: { indent: number; node: IosNode }[] = [{ indent: -1, node: root }];
  for (const raw of text.replace(/\r/g, "").split("\n")) {
    const trimmed = raw.trim();
    if (!trimmed || IOS_NOISE.test(trimmed)) continue;
    const indent = raw.length - raw.trimStart().length;
    while ((stack.at(-1)?.indent ?? -1) >= indent) stack.pop();
    const node: IosNode = { text: trimmed.replace(/\s+/g, " "), children: [] };
    (stack.at(-1) as { node: IosNode }).node.children.push(node);
    stack.push({ indent, node });
  }
  return root.children;
}

const NAME = IPSEC_NAMES.ios;
const NAME_OWNED = [
  new RegExp(`^interface ${TUNNEL_INTERFACE.ios}$`),
  new RegExp(`^crypto (ikev2 (proposal|policy|keyring|profile)|ipsec (profile|transform-set)) ${NAME}( |$)`),
  new RegExp(`^ip prefix-list ${BGP_FROM_HUBS_PREFIX_LIST} `),
];
/** Sections the console owns by their name, whoever wrote them: every line in them is the console's. */
export const iosNameOwned = (text: string) => NAME_OWNED.some((r) => r.test(text));

/** Which running statement a rendered one stands for: a transform-set is one object whatever its algorithms. */
export function iosKeyOf(text: string): string {
  return text.startsWith("crypto ipsec transform-set ") ? text.split(" ").slice(0, 4).join(" ") : text;
}

function canonical(nodes: IosNode[], depth = 0): string[] {
  return [...nodes]
    .sort((a, b) => a.text.localeCompare(b.text))
    .flatMap((n) => [`${" ".repeat(depth)}${n.text}`, ...canonical(n.children, depth + 1)]);
}

/** The part of a running section that a deployed section speaks for (all of it where the console owns it). */
function runningCounterpart(deployed: IosNode, running: IosNode, owned: boolean): IosNode {
  const children = running.children.flatMap((child) => {
    const mine = deployed.children.find((d) => iosKeyOf(d.text) === iosKeyOf(child.text));
    if (mine) return [runningCounterpart(mine, child, owned)];
    return owned ? [child] : [];
  });
  return { text: running.text, children };
}

/**
 * Drift on IOS: the deployed revision against `show running-config`, restricted to what the console speaks for —
 * the sections and statements the revision has (an operator's own lines inside a shared section such as
 * `router bgp` are left out), every line of a section it owns by name, and owned sections the revision no longer
 * has. Both sides are sorted the same way, since IOS prints a section's lines in its own order.
 */
export function iosDriftTexts(deployed: string, running: string): { deployed: string; running: string } {
  const D = parseIosConfig(deployed);
  const U = parseIosConfig(running);
  const kept: IosNode[] = [];
  for (const u of U) {
    const d = D.find((x) => iosKeyOf(x.text) === iosKeyOf(u.text));
    if (d) kept.push(runningCounterpart(d, u, iosNameOwned(u.text)));
    else if (iosNameOwned(u.text)) kept.push(u);
  }
  const text = (nodes: IosNode[]) => `${canonical(nodes).join("\n")}\n`;
  return { deployed: text(D), running: text(kept) };
}
