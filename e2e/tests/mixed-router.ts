import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { iosCapture } from "../../apps/agent/src/collectors/fixtures/read-capture";
import { IOS_STATUS_COMMANDS } from "../../apps/agent/src/collectors/ios-status";
import { startScriptedIosRouter } from "../../apps/agent/test/scripted-ios-router";

/**
 * The Cisco hub of mixed.spec.ts: the agent tests' scripted IOS router (apps/agent/test/scripted-ios-router.ts:
 * OpenSSH in a network namespace whose ForceCommand is a scripted IOS CLI; no real IOS, nothing of IOS's routing).
 *
 * Its answers to the four status commands are real published IOS output (apps/agent/src/collectors/fixtures/ios,
 * SOURCE.md), served as published with only the fixtures' `# ` source header removed: so the hub's status page
 * shows the captured routers' peers (a vIOS hub's three spokes 20/30/40.1.1.1, a lab router's NHRP cache), not this
 * e2e network's sites. No router was captured in this network's shape, and router output is never made up.
 */
export const HUB_STATUS_CAPTURES: Record<keyof typeof IOS_STATUS_COMMANDS, string> = {
  // one vIOS phase 3 hub (Main10, Tunnel0) at one moment
  dmvpn: "kevin-show-dmvpn-detail-hub.txt",
  ikev2: "kevin-show-crypto-ikev2-sa-hub.txt",
  bgp: "kevin-show-ip-bgp-summary-hub.txt",
  // that hub's `show ip nhrp` was not published; this is another IOS lab router's, also on Tunnel0 (the tunnel
  // the agent reads), so its entries are not filtered out
  nhrp: "clarkson-show-ip-nhrp-nat.txt",
};

/** The show-dir the scripted CLI serves: one file per command, named as ios-cli.mjs looks it up. */
export function writeShowDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [k, command] of Object.entries(IOS_STATUS_COMMANDS))
    writeFileSync(
      join(dir, command.replaceAll(" ", "_")),
      iosCapture(HUB_STATUS_CAPTURES[k as keyof typeof IOS_STATUS_COMMANDS]),
    );
}
export type { ScriptedIosRouter as ScriptedRouter } from "../../apps/agent/test/scripted-ios-router";

/** The Cisco hub, serving the captures above, in its own namespace and /30 (unique per Playwright worker). */
export function startScriptedRouter(hostname: string, showDir: string) {
  writeShowDir(showDir);
  return startScriptedIosRouter({
    hostname,
    namespace: `e2eios${process.pid % 10000}`,
    subnet: `10.78.${process.pid % 250}`,
    showDir,
  });
}
