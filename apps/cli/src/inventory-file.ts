import { readFile } from "node:fs/promises";
import { type FieldIssue, type Inventory, parseInventoryYaml, readInventoryYaml } from "@dmvpn/inventory";

export interface LoadedInventory {
  inventory: Inventory;
  issues: FieldIssue[];
}

/** Reads an inventory file; an unreadable file is reported as an issue like any other. */
export async function loadInventoryFile(path: string): Promise<LoadedInventory> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message;
    return {
      inventory: { networks: [], sites: [] },
      issues: [{ path: [], message: `cannot read ${path}: ${reason}` }],
    };
  }
  const { inventory, issues } = parseInventoryYaml(text);
  return { inventory, issues: [...issues, ...missingSecretIssues(text)] };
}

/**
 * An export without secrets still parses (a fresh key is generated for it), but configs rendered from it would
 * carry a key no router has. Rendering needs the real one.
 */
export function missingSecretIssues(text: string): FieldIssue[] {
  const raw = readInventoryYaml(text);
  return raw.networks
    .filter((n) => n.fields.ipsecEnabled !== false && n.fields.ipsecPsk === undefined)
    .map((n) => ({
      path: [...n.at, "ipsecPsk"],
      message: "is missing (exported without secrets?); rendering would invent a key no router has",
    }));
}
