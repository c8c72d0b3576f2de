import { type FieldIssue, formatIssue } from "@dmvpn/inventory";
import { renderabilityIssues } from "@dmvpn/render";
import type { Command } from "commander";
import { type LoadedInventory, loadInventoryFile } from "../inventory-file";

/** A renderer issue (records by name) pointed at the record's place in the file, as parse issues are. */
function locate(issue: FieldIssue, at: LoadedInventory["at"]): FieldIssue {
  const [kind, name, ...field] = issue.path;
  const where = typeof name === "string" ? (kind === "sites" ? at.sites : at.networks).get(name) : undefined;
  return { path: where ? [...where, ...field] : issue.path, message: issue.message };
}

export function addValidateCommand(program: Command): void {
  program
    .command("validate")
    .description(
      "check an inventory file, including everything `render` would refuse for a site's platform; prints every problem, one per line",
    )
    .requiredOption("-i, --inventory <file>", "inventory YAML as exported by the console")
    .action(async (options: { inventory: string }) => {
      const { inventory, issues, at } = await loadInventoryFile(options.inventory);
      // Missing secrets matter for rendering only; validation is about the inventory itself.
      const problems = issues.filter((i) => i.path.at(-1) !== "ipsecPsk" || !i.message.startsWith("is missing"));
      // Only a well-formed inventory can be rendered; its render problems are the rest of what makes it invalid.
      if (problems.length === 0)
        problems.push(...renderabilityIssues(inventory.networks, inventory.sites).map((i) => locate(i, at)));
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
