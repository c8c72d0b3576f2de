import type { SiteStatus } from "@dmvpn/protocol";

/** The four IOS show commands whose output makes a site's status. */
export const IOS_STATUS_COMMANDS = {
  dmvpn: "show dmvpn detail",
  ikev2: "show crypto ikev2 sa detailed",
  nhrp: "show ip nhrp",
  bgp: "show ip bgp summary",
} as const;

export type IosStatusOutputs = { [K in keyof typeof IOS_STATUS_COMMANDS]: string };

export function buildIosStatus(
  _outputs: IosStatusOutputs,
  _context: { tunnelInterface: string; now: Date },
): SiteStatus {
  throw new Error("ios-status: parsers arrive with the cisco-parsers branch");
}
