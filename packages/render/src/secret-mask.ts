import { readHeader, sha256Hex } from "./header";
import { maskSecrets } from "./secret-lines";
import type { RenderedFile } from "./types";

export { maskSecrets, SECRET_MASK, secretValues } from "./secret-lines";

/**
 * Config files as people without the secrets see them: every secret value masked, and each header's body hash
 * taken over the masked body. Files rendered now already carry that hash (header.ts), so their headers stay as
 * they are; files rendered before carry a hash over the real body, which would let a guessed key be confirmed
 * offline, and get the masked one.
 */
export function maskConfigFiles<F extends RenderedFile>(files: F[]): F[] {
  return files.map((f) => {
    const masked = maskSecrets(f.content);
    const header = readHeader(masked);
    const content = header
      ? masked.replace(/^((?:#![^\n]*\n)?(?:[^\n]*\n){2}[#!] body-sha256: )[0-9a-f]{64}/, `$1${sha256Hex(header.body)}`)
      : masked;
    return { ...f, content };
  });
}

/** sha256 over the masked files, the same way RenderedConfig.hash is taken over the real ones. */
export function maskedFilesHash(files: RenderedFile[]): string {
  return sha256Hex(
    maskConfigFiles(files)
      .map((f) => `${f.name}\0${f.content}\0`)
      .join(""),
  );
}
