import { formatIssue } from "@dmvpn/inventory";
import type { Command } from "commander";
import { loadInventoryFile } from "../inventory-file";

export function addValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("check an inventory file; prints every problem, one per line")
    .requiredOption("-i, --inventory <file>", "inventory YAML as exported by the console")
    .action(async (options: { inventory: string }) => {
      const { inventory, issues } = await loadInventoryFile(options.inventory);
      // Missing secrets matter for rendering only; validation is about the inventory itself.
      const problems = issues.filter((i) => i.path.at(-1) !== "ipsecPsk" || !i.message.startsWith("is missing"));
      if (problems.length > 0) {
        for (const issue of problems) process.stdout.write(`${formatIssue(issue)}\n`);
        process.exitCode = 1;
        return;
      }
      const hubs = inventory.sites.filter((s) => s.role === "hub").length;
      process.stdout.write(
        `${options.inventory}: valid — ${inventory.networks.length} network(s), ${inventory.sites.length} site(s) (${hubs} hub(s), ${inventory.sites.length - hubs} spoke(s))\n`,
      );
    });
}
