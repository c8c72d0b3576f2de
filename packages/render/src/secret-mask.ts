import { readHeader, sha256Hex } from "./header";
import { maskSecrets, SECRET_MASK, secretValues } from "./secret-lines";
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

const unquoted = (value: string) =>
  value.startsWith("'")
    ? value.slice(1, -1).replaceAll("'\\''", "'")
    : value.startsWith('"')
      ? value.slice(1, -1)
      : value;

/**
 * Free text that may quote config lines (a router's or an agent's error message): every secret value the given
 * files carry is masked wherever it occurs, and lines that look like secret lines are masked as well.
 */
export function maskSecretsInMessage(text: string, files: RenderedFile[]): string {
  const values = new Set(files.flatMap((f) => secretValues(f.content)).map(unquoted));
  let out = text;
  for (const v of [...values].filter((v) => v && v !== SECRET_MASK).sort((a, b) => b.length - a.length))
    out = out.replaceAll(v, SECRET_MASK);
  return maskSecrets(out);
}
