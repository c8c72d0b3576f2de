import type { NhrpCacheEntry, NhrpShortcut, NhsRegistration } from "@dmvpn/protocol";
import { CollectorError } from "./vtysh-output";

/**
 * VyOS 1.4 `sudo opennhrpctl show` (its `show nhrp tunnel`, src/op_mode/nhrp.py). As opennhrp 0.14.1's admin.c
 * prints it: `Status: ok`, a blank line, then one block per peer, each ended by a blank line:
 *   Interface: tun0
 *   Type: incomplete|negative|cached|shortcut-route|dynamic|dynamic-nhs|static|dynamic-map|local
 *   Protocol-Address: a.b.c.d/len
 *   NBMA-Address | Next-hop-Address (shortcut-route) | Alias-Address (local): ...   (absent when unknown)
 *   Hostname: ...             (dynamic-map)
 *   NBMA-NAT-OA-Address: ...  (the peer is behind NAT: the address it claimed)
 *   Flags: [unique] [used] [up|lower-up]   (the whole line absent when no flag is set)
 *   Expires-In: m:ss          (absent without an expiry)
 * A failure is `Status: failed` with a `Reason:` line; a daemon that is not running prints nothing on stdout.
 */
export interface OpennhrpStatus {
  cache: NhrpCacheEntry[];
  nhs: NhsRegistration[];
  shortcuts: NhrpShortcut[];
}

export interface OpennhrpShowOptions {
  /**
   * NBMA addresses of the `map ... register` lines (the configured hubs). `opennhrpctl show` does not say which static
   * maps register, and a map without `register` is up at once, so without this every static map counts as a hub.
   */
  registerNbmas?: ReadonlySet<string>;
}

const CACHE_TYPES: Record<string, NhrpCacheEntry["type"]> = {
  incomplete: "incomplete",
  negative: "negative",
  cached: "cached",
  dynamic: "dynamic",
  "dynamic-nhs": "nhs",
  static: "static",
  // the hub given by DNS name: a configured entry like a static map
  "dynamic-map": "static",
  local: "local",
  "local-route": "local",
};

/** `m:ss` (opennhrp) or `h:mm:ss` to seconds. */
export function parseExpiresIn(value: string): number | null {
  const parts = value.trim().split(":");
  if (!parts.every((p) => /^\d+$/.test(p))) return null;
  return parts.reduce((acc, p) => acc * 60 + Number(p), 0);
}

function statusLine(lines: string[]): number {
  const index = lines.findIndex((l) => l.trim());
  const status = lines[index]?.trim();
  if (!status) throw new CollectorError("opennhrpctl printed nothing (is opennhrp running?)");
  if (!status.startsWith("Status:"))
    throw new CollectorError(`opennhrpctl output does not start with Status: ${status}`);
  if (status !== "Status: ok") {
    const reason = lines.find((l) => l.startsWith("Reason:"))?.trim();
    throw new CollectorError(`opennhrpctl: ${status}${reason ? ` (${reason})` : ""}`);
  }
  return index;
}

/** Blank-line separated blocks of `Key: value` lines; a key without value (never printed by opennhrp) is kept empty. */
function blocks(lines: string[]): Map<string, string>[] {
  const result: Map<string, string>[] = [];
  let current: Map<string, string> | null = null;
  for (const line of lines) {
    if (!line.trim()) {
      current = null;
      continue;
    }
    const m = line.match(/^([A-Za-z-]+):\s*(.*)$/);
    if (!m) throw new CollectorError(`opennhrpctl: unexpected line "${line.slice(0, 100)}"`);
    if (!current) {
      current = new Map();
      result.push(current);
    }
    current.set(m[1]!, m[2]!.trim());
  }
  return result;
}

export function parseOpennhrpShow(text: string, options: OpennhrpShowOptions = {}): OpennhrpStatus {
  const lines = text.split("\n");
  const start = statusLine(lines);
  const result: OpennhrpStatus = { cache: [], nhs: [], shortcuts: [] };
  for (const b of blocks(lines.slice(start + 1))) {
    const rawType = b.get("Type");
    const protocol = b.get("Protocol-Address");
    if (!rawType || !protocol) throw new CollectorError("opennhrpctl: an entry without Type or Protocol-Address");
    const [address = "", length = "32"] = protocol.split("/");
    const flags = (b.get("Flags") ?? "").split(/\s+/).filter(Boolean);
    const up = flags.includes("up");
    const iface = b.get("Interface") ?? "";
    const nbma = b.get("NBMA-Address") ?? null;
    if (rawType === "shortcut-route") {
      result.shortcuts.push({
        type: rawType,
        prefix: `${address}/${length}`,
        via: b.get("Next-hop-Address") ?? null,
        identity: null,
      });
      continue;
    }
    const expires = b.get("Expires-In");
    result.cache.push({
      interface: iface,
      type: CACHE_TYPES[rawType] ?? "invalid",
      protocolAddress: address,
      // a local entry has no NBMA address of its own in this output (Alias-Address is a protocol address)
      nbma: nbma ?? b.get("Hostname") ?? "",
      claimedNbma: b.get("NBMA-NAT-OA-Address") ?? nbma,
      expiresInSeconds: expires === undefined ? null : parseExpiresIn(expires),
      flags: { used: flags.includes("used"), timeout: expires !== undefined, auth: false, up },
      identity: null,
    });
    // A hub: a `map ... register` (static), or one found through a dynamic-map's DNS name (dynamic-nhs). A static
    // map that registers is `lower-up` until the hub answers, `up` once registered.
    const isHub =
      rawType === "dynamic-nhs" ||
      (rawType === "static" && nbma !== null && (options.registerNbmas?.has(nbma) ?? true));
    if (isHub && nbma !== null) {
      result.nhs.push({ interface: iface, nbma, protocolAddress: up ? address : null, registered: up });
    }
  }
  return result;
}

/**
 * NBMA addresses of the hubs in opennhrp.conf as VyOS 1.4 writes it (`map <proto>/<len> <nbma> register [cisco]`).
 */
export function parseOpennhrpRegisterMaps(conf: string): Set<string> {
  const nbmas = new Set<string>();
  for (const line of conf.split("\n")) {
    const words = line.replace(/#.*/, "").trim().split(/\s+/);
    if (words[0] === "map" && words[2] && words.slice(3).includes("register")) nbmas.add(words[2]);
  }
  return nbmas;
}
