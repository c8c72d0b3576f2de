/**
 * `ip prefix-list` lines as FRR and IOS both spell them: deny each prefix exactly, then permit everything else.
 */
export function denyPrefixList(name: string, deny: string[]): string[] {
  const lines = deny.map((p, i) => `ip prefix-list ${name} seq ${(i + 1) * 10} deny ${p}`);
  lines.push(`ip prefix-list ${name} seq ${(deny.length + 1) * 10} permit 0.0.0.0/0 le 32`);
  return lines;
}
