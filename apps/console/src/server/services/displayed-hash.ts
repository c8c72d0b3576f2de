import { createHash } from "node:crypto";
import type { Db } from "@dmvpn/db";
import type { ConfigFile } from "@dmvpn/protocol";
import { readHeader } from "@dmvpn/render";
import { HIDDEN_PSK } from "./rendered-config";
import { openRevisionFiles } from "./revision-files";
import { openSecret } from "./secrets";

/**
 * The one hash people are shown for a config, wherever they see it (site page, revisions, deployments,
 * previews): SHA-256 over each file's name and body with the pre-shared key masked and the generated header left
 * out. A revision stored with the real key and the same config rendered with the key hidden therefore show the
 * same hash, and a shown hash reveals nothing about the key. The real `contentHash` (over the files the router
 * gets) stays between the console and its agents. The header is left out because its `body-sha256` line is
 * computed over the body as rendered, with or without the key.
 */
export function displayedHash(files: ConfigFile[], psk: string): string {
  const h = createHash("sha256");
  for (const f of files) {
    const body = readHeader(f.content)?.body ?? f.content;
    h.update(`${f.name}\0${psk ? body.replaceAll(psk, HIDDEN_PSK) : body}\0`);
  }
  return h.digest("hex");
}

const revisionHashes = new Map<string, { psk: string; hash: string }>();
const REVISION_HASHES_KEPT = 20_000;

/**
 * displayedHash of a stored revision. Revisions never change, and a deployment page polls every second while it
 * runs, so each revision is opened and hashed once per key (a new key makes the shown hash change too).
 */
export function revisionDisplayedHash(revision: { id: string; files: string }, psk: string): string {
  const known = revisionHashes.get(revision.id);
  if (known && known.psk === psk) return known.hash;
  const hash = displayedHash(openRevisionFiles(revision.files), psk);
  if (revisionHashes.size >= REVISION_HASHES_KEPT) revisionHashes.clear();
  revisionHashes.set(revision.id, { psk, hash });
  return hash;
}

/** The networks' pre-shared keys, to mask with (empty when a network has none). */
export async function networkKeys(db: Db, networkIds: string[]): Promise<Map<string, string>> {
  const rows = await db.network.findMany({
    where: { id: { in: [...new Set(networkIds)] } },
    select: { id: true, ipsecPsk: true },
  });
  return new Map(rows.map((r) => [r.id, r.ipsecPsk ? openSecret(r.ipsecPsk) : ""]));
}
