import { ConfigFile } from "@dmvpn/protocol";
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
