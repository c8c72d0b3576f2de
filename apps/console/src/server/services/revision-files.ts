import { ConfigFile } from "@dmvpn/protocol";
import { z } from "zod";

const StoredFiles = z.array(ConfigFile);

/**
 * The one place revision files are written and read. Revisions hold the pre-shared key; encryption at rest goes
 * inside these two functions and nowhere else.
 */
export function sealRevisionFiles(files: ConfigFile[]): string {
  return JSON.stringify(files.map((f) => ({ name: f.name, content: f.content })));
}

export function openRevisionFiles(stored: string): ConfigFile[] {
  return StoredFiles.parse(JSON.parse(stored));
}
