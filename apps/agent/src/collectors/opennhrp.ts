import type { NhrpCacheEntry, NhrpShortcut, NhsRegistration } from "@dmvpn/protocol";
import { CollectorError } from "./vtysh-output";

/**
 * VyOS 1.4 `opennhrpctl show`: `Status: ok`, then blank-line separated blocks of `Key: value` lines.
 * Static entries are the configured hubs (`map ... register`); `up` in Flags means the hub answers.
 */
export interface OpennhrpStatus {
  cache: NhrpCacheEntry[];
  nhs: NhsRegistration[];
  shortcuts: NhrpShortcut[];
}

const TYPE_MAP: Record<string, NhrpCacheEntry["type"]> = {
  local: "local",
  "local-addr": "local",
  "local-route": "local",
  static: "static",
  dynamic: "dynamic",
  "dynamic-nhs": "nhs",
  cached: "cached",
  "shortcut-route": "dynamic",
  incomplete: "incomplete",
  negative: "negative",
};

/** `m:ss` (or `h:mm:ss`) to seconds. */
export function parseExpiresIn(value: string): number | null {
  const parts = value.trim().split(":");
  if (!parts.every((p) => /^\d+$/.test(p))) return null;
  return parts.reduce((acc, p) => acc * 60 + Number(p), 0);
}

export function parseOpennhrpShow(text: string): OpennhrpStatus {
  const lines = text.split("\n");
  const status = lines.find((l) => l.trim())?.trim();
  if (!status?.startsWith("Status:")) throw new CollectorError("opennhrpctl output does not start with Status:");
  if (status !== "Status: ok") throw new CollectorError(`opennhrpctl: ${status}`);
  const blocks: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  for (const line of lines.slice(lines.findIndex((l) => l.trim()) + 1)) {
    if (!line.trim()) {
      current = null;
      continue;
    }
    const m = line.match(/^([A-Za-z-]+):\s?(.*)$/);
    if (!m) continue;
    if (!current) {
      current = new Map();
      blocks.push(current);
    }
    current.set(m[1]!, m[2]!.trim());
  }
  const result: OpennhrpStatus = { cache: [], nhs: [], shortcuts: [] };
  for (const b of blocks) {
    const rawType = b.get("Type") ?? "";
    const iface = b.get("Interface") ?? "";
    const [address = "", len] = (b.get("Protocol-Address") ?? "").split("/");
    const flags = (b.get("Flags") ?? "").split(/\s+/).filter(Boolean);
    const nbma = b.get("NBMA-Address") ?? null;
    const natOa = b.get("NBMA-NAT-OA-Address") ?? null;
    const expires = b.get("Expires-In");
    if (rawType === "shortcut-route") {
      result.shortcuts.push({
        type: "shortcut-route",
        prefix: `${address}/${len ?? "32"}`,
        via: b.get("Next-hop-Address") ?? null,
        identity: null,
      });
      continue;
    }
    result.cache.push({
      interface: iface,
      type: TYPE_MAP[rawType] ?? "invalid",
      protocolAddress: address,
      nbma: nbma ?? b.get("Alias-Address") ?? "",
      claimedNbma: natOa ?? nbma,
      expiresInSeconds: expires ? parseExpiresIn(expires) : null,
      flags: { used: flags.includes("used"), timeout: expires !== undefined, auth: false, up: flags.includes("up") },
      identity: null,
    });
    if (rawType === "static" && nbma) {
      result.nhs.push({
        interface: iface,
        nbma,
        protocolAddress: flags.includes("up") ? address : null,
        registered: flags.includes("up"),
      });
    }
  }
  return result;
}
