import { CONFIG_QUOTE_BREAKERS, type FieldIssue } from "@dmvpn/inventory";
import type { RenderInput } from "./types";

/** One printable word: no whitespace or control character can end a line or a word in any target's syntax. */
const PRINTABLE_WORD = /^[\x21-\x7e]+$/;

/**
 * The inventory's free-text values are written into every target's config as one word each: a VyOS value in
 * '…', an IOS or FRR argument (IOS has no quoting), a swanctl "…" string, a shell word. A value that could end
 * its word, its line or its quoting is refused here, for every target, before any target spells it. The
 * inventory refuses the same on input; this catches values stored before that rule and callers that never
 * validated (the renderer is a library). Messages name the field, never the value: some values are secrets.
 */
export function configWordIssues(input: RenderInput): FieldIssue[] {
  const { network, site } = input;
  const values: { path: (string | number)[]; value: string | null }[] = [
    { path: ["network", "name"], value: network.name },
    { path: ["network", "nhrpAuth"], value: network.nhrpAuth },
    { path: ["network", "ipsecPsk"], value: network.ipsecEnabled ? network.ipsecPsk : null },
    { path: ["site", "name"], value: site.name },
    { path: ["site", "wanInterface"], value: site.wanInterface },
    // Other sites' names become BGP neighbour descriptions.
    ...[...input.hubs, ...(input.spokes ?? [])]
      .filter((s) => s.name !== site.name)
      .map((s) => ({ path: [s.role === "hub" ? "hubs" : "spokes", s.name, "name"], value: s.name })),
  ];
  return values
    .filter(({ value }) => value !== null && (!PRINTABLE_WORD.test(value) || CONFIG_QUOTE_BREAKERS.test(value)))
    .map(({ path }) => ({
      path,
      message:
        "must be one word of printable ASCII without quotes, backslashes or '?' (router configs cannot carry it)",
    }));
}
