import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LabTopology } from "./topology";

/** The status commands the agent parses; captured verbatim as parser fixtures. */
export const CAPTURED_COMMANDS: { slug: string; argv: (router: string) => string[]; vtysh: boolean }[] = [
  { slug: "show-ip-nhrp-cache-json", argv: () => ["show ip nhrp cache json"], vtysh: true },
  { slug: "show-ip-nhrp-nhs-json", argv: () => ["show ip nhrp nhs json"], vtysh: true },
  { slug: "show-ip-nhrp-shortcut-json", argv: () => ["show ip nhrp shortcut json"], vtysh: true },
  { slug: "show-dmvpn-json", argv: () => ["show dmvpn json"], vtysh: true },
  { slug: "show-bgp-ipv4-unicast-summary-json", argv: () => ["show bgp ipv4 unicast summary json"], vtysh: true },
  { slug: "show-ip-route-nhrp-json", argv: () => ["show ip route nhrp json"], vtysh: true },
  { slug: "show-ip-nhrp-cache", argv: () => ["show ip nhrp cache"], vtysh: true },
  { slug: "ip-j-s-link-show-dev-gre1", argv: () => ["ip", "-j", "-s", "link", "show", "dev", "gre1"], vtysh: false },
];

/**
 * Writes `<dir>/<moment>/<router>/<command>.txt` (exact stdout) and `.exit` (the exit status, one line) for every
 * captured command. Returns the relative paths written.
 */
export async function captureStatus(
  topology: LabTopology,
  dir: string,
  moment: string,
  routers: string[],
): Promise<string[]> {
  const written: string[] = [];
  await Promise.all(
    routers.map(async (router) => {
      const target = join(dir, moment, router);
      await mkdir(target, { recursive: true });
      for (const command of CAPTURED_COMMANDS) {
        const argv = command.argv(router);
        const result = command.vtysh ? await topology.vtysh(router, argv[0]!) : await topology.exec(router, argv);
        await writeFile(join(target, `${command.slug}.txt`), result.stdout);
        await writeFile(join(target, `${command.slug}.exit`), `${result.exitCode}\n`);
        written.push(join(moment, router, `${command.slug}.txt`));
      }
    }),
  );
  return written.sort();
}
