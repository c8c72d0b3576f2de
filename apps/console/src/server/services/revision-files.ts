import { ConfigFile } from "@dmvpn/protocol";
import { maskedFilesHash } from "@dmvpn/render";
import { z } from "zod";
import { openSecret, sealSecret } from "./secrets";

const StoredFiles = z.array(ConfigFile);

/**
 * The one place revision files are written and read. Revisions hold the pre-shared key; encryption at rest goes
 * inside these two functions and nowhere else.
 */
export function sealRevisionFiles(files: ConfigFile[]): string {
  // The files hold the pre-shared key: sealed at rest like the key itself.
  return sealSecret(JSON.stringify(files.map((f) => ({ name: f.name, content: f.content }))));
}

export function openRevisionFiles(stored: string): ConfigFile[] {
  return StoredFiles.parse(JSON.parse(openSecret(stored)));
}

/** Revisions never change, so their masked hashes are kept; bounded so a long-running console does not grow. */
const maskedHashes = new Map<string, string>();
const MASKED_HASHES_KEPT = 20_000;

/**
 * The hash people are shown for a revision: over its files with secrets masked, so it cannot confirm a guessed
 * key. The stored contentHash (over the real files) is what agents compare and is never shown.
 */
export function maskedRevisionHash(revision: { id: string; files: string }): string {
  let hash = maskedHashes.get(revision.id);
  if (hash === undefined) {
    hash = maskedFilesHash(openRevisionFiles(revision.files));
    if (maskedHashes.size >= MASKED_HASHES_KEPT) maskedHashes.clear();
    maskedHashes.set(revision.id, hash);
  }
  return hash;
}
