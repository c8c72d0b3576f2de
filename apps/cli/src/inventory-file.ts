import { readFile } from "node:fs/promises";
import { type FieldIssue, type Inventory, parseInventoryYaml, readInventoryYaml } from "@dmvpn/inventory";

export interface LoadedInventory {
  inventory: Inventory;
  issues: FieldIssue[];
  /** Where each network and site is in the file (e.g. ["networks", 0, "sites", 2]), by name. */
  at: { networks: Map<string, (string | number)[]>; sites: Map<string, (string | number)[]> };
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
      at: { networks: new Map(), sites: new Map() },
    };
  }
  const { inventory, issues } = parseInventoryYaml(text);
  const raw = readInventoryYaml(text);
  const at = {
    networks: new Map(raw.networks.map((n) => [String(n.fields.name ?? "").trim(), n.at])),
    sites: new Map(raw.sites.map((s) => [String(s.fields.name ?? "").trim(), s.at])),
  };
  return { inventory, issues: [...issues, ...missingSecretIssues(text)], at };
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
