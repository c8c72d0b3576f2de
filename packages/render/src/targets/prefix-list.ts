export interface PrefixListRule {
  seq: number;
  action: "deny" | "permit";
  prefix: string;
  le?: number;
}

/** Deny each prefix exactly, then permit everything else: the rules every target spells in its own syntax. */
export function denyThenPermitAll(deny: string[]): PrefixListRule[] {
  const rules: PrefixListRule[] = deny.map((prefix, i) => ({ seq: (i + 1) * 10, action: "deny", prefix }));
  rules.push({ seq: (deny.length + 1) * 10, action: "permit", prefix: "0.0.0.0/0", le: 32 });
  return rules;
}

/** `ip prefix-list` lines as FRR and IOS both spell them. */
export function denyPrefixList(name: string, deny: string[]): string[] {
  return denyThenPermitAll(deny).map(
    (r) => `ip prefix-list ${name} seq ${r.seq} ${r.action} ${r.prefix}${r.le === undefined ? "" : ` le ${r.le}`}`,
  );
}
