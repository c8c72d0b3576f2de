/**
 * Where secrets sit in the config syntaxes this project renders and reads back, found by position (the keyword
 * before the value), never by comparing with a known key: a revision rendered with an older key, or a running
 * config holding someone else's key, is masked all the same. Kept apart from secret-mask.ts because the header
 * (header.ts) hashes masked bodies and secret-mask.ts reads headers.
 */

/** Stands in for every secret value in configs, diffs and hashes shown without the secrets. */
export const SECRET_MASK = "HIDDEN-ask-an-admin-for-the-key";

/** A quoted value as VyOS (single quotes, `'\''` inside), strongSwan (double quotes, backslash escapes) write it, or one word. */
const VALUE = String.raw`('(?:[^']|'\\'')*'|"(?:[^"\\]|\\.)*"|\S+)`;

/**
 * One rule per syntax: group 1 is kept, group 2 is the secret, group 3 (the rest of the line) is kept. The first
 * rule that matches a line wins. When unsure a rule masks: a hidden non-secret costs less than a shown key.
 */
const SECRET_LINE_RULES: RegExp[] = [
  // VyOS `set` commands and `show configuration` (curly) output: the keyword is the last path token before the
  // value. `authentication mode 'pre-shared-secret'` names the method, not a secret: two words follow there.
  new RegExp(
    String.raw`^(\s*(?:set\s+(?:\S+\s+)*?)?(?:pre-shared-secret|cisco-authentication|authentication|secret|password|encrypted-password|plaintext-password)\s+)(?!\{)${VALUE}(\s*)$`,
  ),
  // swanctl.conf `secrets { ike-x { secret = "…" } }`
  /^(\s*secret\s*=\s*)("(?:[^"\\]|\\.)*"|.*?)(\s*)$/,
  // FRR and IOS BGP `neighbor <peer> password [0|7] <key>` (running configs in drift diffs)
  /^(\s*neighbor\s+\S+\s+password\s+(?:\d\s+)?)(\S+)(.*)$/,
  // IOS and FRR 10 `ip nhrp authentication <key>`
  /^(\s*ip nhrp authentication\s+)(\S+)(.*)$/,
  // IOS keyrings: `pre-shared-key address <a> key [0|6] <key>`, `pre-shared-key [local|remote] [0|6] <key>`
  /^(\s*pre-shared-key\s+(?:address|hostname)\s+.*?\s+key\s+(?:\d\s+)?)(\S+)(.*)$/,
  /^(\s*pre-shared-key\s+(?:(?:local|remote)\s+)?(?:\d\s+)?)(\S+)(.*)$/,
  // IOS IKEv1 `crypto isakmp key [0|6] <key> address …`
  /^(\s*crypto isakmp key\s+(?:\d\s+)?)(\S+)(.*)$/,
];

function secretIn(line: string): RegExpExecArray | null {
  for (const rule of SECRET_LINE_RULES) {
    const m = rule.exec(line);
    if (m) return m;
  }
  return null;
}

const maskValue = (value: string) =>
  value.startsWith("'") ? `'${SECRET_MASK}'` : value.startsWith('"') ? `"${SECRET_MASK}"` : SECRET_MASK;

/** The text with every secret value replaced by SECRET_MASK; lines and everything else unchanged. Idempotent. */
export function maskSecrets(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const m = secretIn(line);
      return m ? `${m[1]}${maskValue(m[2] as string)}${m[3] ?? ""}` : line;
    })
    .join("\n");
}

/** The secret values of a text, in order, as written (quotes included): to tell that only secrets changed. */
export function secretValues(text: string): string[] {
  return text.split("\n").flatMap((line) => {
    const m = secretIn(line);
    return m ? [m[2] as string] : [];
  });
}
