import { DPD_INTERVAL_SECONDS, ESP_LIFETIME_SECONDS, IKE_LIFETIME_SECONDS, IPSEC_NAMES } from "../naming";
import type { SitePlan } from "../plan";

/**
 * How an `frr` site's GRE gets its IPsec.
 *
 * - `trap` (default): works with the distribution's own strongSwan (5.3.3 and later; Debian 12 has 5.9.8, Debian 13
 *   6.0.1). One IKEv2 connection with `remote_addrs = %any`, a transport-mode child for GRE (`dynamic[gre]`) and
 *   `start_action = trap`: charon installs one outbound trap policy "GRE from my address to anywhere". For a
 *   transport-mode child with a wildcard remote, strongSwan's trap manager (src/libcharon/sa/trap_manager.c,
 *   "allow wildcard for Transport Mode SAs", since 5.3.3) takes the peer from the acquire's destination, so the
 *   first GRE packet to any hub or shortcut peer (NHRP itself is GRE) brings up an SA to exactly that peer, and the
 *   same connection answers peers that initiate. NAT is detected by IKE and ESP is then UDP-encapsulated. nhrpd is
 *   not involved, so frr.conf carries no `tunnel protection`.
 * - `nhrp-vici`: FRR nhrpd's `tunnel protection vici profile …`, where nhrpd asks charon for each peer over VICI.
 *   It needs a strongSwan with the out-of-tree VICI patches nhrpd relies on (strongSwan PR #502, not merged):
 *   stock strongSwan never brings the SAs up. Chosen per site with the tag {@link FRR_IPSEC_NHRP_VICI_TAG}.
 */
export type FrrIpsecMode = "trap" | "nhrp-vici";

/** A site tag that selects `tunnel protection` (a strongSwan patched for nhrpd) instead of trap policies. */
export const FRR_IPSEC_NHRP_VICI_TAG = "strongswan:nhrp-vici";

export function frrIpsecMode(plan: SitePlan): FrrIpsecMode {
  return plan.site.tags.includes(FRR_IPSEC_NHRP_VICI_TAG) ? "nhrp-vici" : "trap";
}

/** The frr.conf interface line for IPsec, or null when the kernel's policies do it without nhrpd. */
export function frrTunnelProtectionLine(plan: SitePlan): string | null {
  if (!plan.ike || frrIpsecMode(plan) !== "nhrp-vici") return null;
  return ` tunnel protection vici profile ${IPSEC_NAMES.swanctlChild}`;
}

const NEEDS: Record<FrrIpsecMode, string[]> = {
  trap: [
    "# IPsec mode: trap policies (any strongSwan >= 5.3.3, as the distributions ship it; no nhrpd VICI patches).",
    "# charon must be running with this file loaded (swanctl --load-all --file <this file>); frr.conf has no",
    "# `tunnel protection`: the kernel's trap policy starts an SA to whichever peer GRE (and NHRP) is sent to.",
  ],
  "nhrp-vici": [
    `# IPsec mode: nhrpd \`tunnel protection\` (site tag ${FRR_IPSEC_NHRP_VICI_TAG}). NEEDS a strongSwan patched with`,
    "# the VICI extensions FRR nhrpd uses (strongSwan PR #502); stock strongSwan loads this but never starts an SA.",
  ],
};

export function renderFrrSwanctl(plan: SitePlan): string {
  const { ike, esp, network } = plan;
  if (!ike || !esp) return "";
  const mode = frrIpsecMode(plan);
  const c = IPSEC_NAMES;
  const child =
    mode === "trap"
      ? [
          // The first GRE packet to a peer without an SA is held back while IKE runs; nhrpd retries.
          "        start_action = trap",
          // The wildcard trap stays installed, so clearing a dead peer's SA is enough: the next packet re-acquires.
          "        dpd_action = clear",
          "        close_action = none",
        ]
      : [
          // nhrpd initiates the child by name when it needs a peer; nothing starts on load.
          "        start_action = none",
          "        dpd_action = clear",
          "        close_action = none",
        ];
  return [
    ...NEEDS[mode],
    "connections {",
    `  ${c.swanctlConnection} {`,
    "    version = 2",
    "    remote_addrs = %any",
    `    proposals = ${ike.text}`,
    `    rekey_time = ${IKE_LIFETIME_SECONDS}s`,
    `    dpd_delay = ${DPD_INTERVAL_SECONDS}s`,
    // NBMA addresses are fixed and NAT is handled by NAT-T. With MOBIKE, every re-creation of the GRE interface
    // (each deploy and rollback) sent an address-list update; in the lab one went unanswered, charon gave up after
    // 5 retransmits and the spoke lost its hubs' SAs (DPD then unanswered) until a new acquire.
    "    mobike = no",
    "    local {",
    "      auth = psk",
    "    }",
    "    remote {",
    "      auth = psk",
    "    }",
    "    children {",
    `      ${c.swanctlChild} {`,
    "        mode = transport",
    "        local_ts = dynamic[gre]",
    "        remote_ts = dynamic[gre]",
    `        esp_proposals = ${esp.text}`,
    `        rekey_time = ${ESP_LIFETIME_SECONDS}s`,
    ...child,
    "      }",
    "    }",
    "  }",
    "}",
    "secrets {",
    `  ${c.swanctlSecret} {`,
    `    secret = "${network.ipsecPsk}"`,
    "  }",
    "}",
    "",
  ].join("\n");
}
