/**
 * strongSwan-style proposals ("aes256-sha256-modp2048") split into the three algorithms every target names
 * differently. Only algorithms all four targets can express are accepted, so a network renders the same
 * cryptography everywhere.
 */
export const ENCRYPTIONS = ["aes128", "aes192", "aes256"] as const;
export const INTEGRITIES = ["sha1", "sha256", "sha384", "sha512"] as const;
/** strongSwan DH group name -> IANA group number (what VyOS and IOS use). */
export const DH_GROUPS = {
  modp1024: 2,
  modp1536: 5,
  modp2048: 14,
  modp3072: 15,
  modp4096: 16,
  modp6144: 17,
  modp8192: 18,
  ecp256: 19,
  ecp384: 20,
  ecp521: 21,
} as const;

export type Encryption = (typeof ENCRYPTIONS)[number];
export type Integrity = (typeof INTEGRITIES)[number];
export type DhGroupName = keyof typeof DH_GROUPS;

export interface Proposal {
  /** The proposal as written, for strongSwan. */
  text: string;
  encryption: Encryption;
  integrity: Integrity;
  dhGroup: DhGroupName | null;
}

export function parseProposal(text: string, requireDh: boolean): Proposal | string {
  const parts = text.split("-");
  const [encryption, integrity, dh, ...rest] = parts;
  if (rest.length > 0 || parts.length < 2)
    return `must be encryption-integrity${requireDh ? "-dhgroup" : "[-dhgroup]"}, e.g. aes256-sha256${requireDh ? "-modp2048" : ""}`;
  if (!ENCRYPTIONS.includes(encryption as Encryption))
    return `encryption ${encryption} is not supported (use ${ENCRYPTIONS.join(", ")})`;
  if (!INTEGRITIES.includes(integrity as Integrity))
    return `integrity ${integrity} is not supported (use ${INTEGRITIES.join(", ")})`;
  if (dh === undefined && requireDh) return "needs a Diffie-Hellman group, e.g. modp2048";
  if (dh !== undefined && !(dh in DH_GROUPS))
    return `DH group ${dh} is not supported (use ${Object.keys(DH_GROUPS).join(", ")})`;
  return {
    text,
    encryption: encryption as Encryption,
    integrity: integrity as Integrity,
    dhGroup: (dh as DhGroupName) ?? null,
  };
}
