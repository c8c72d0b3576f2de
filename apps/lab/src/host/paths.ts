import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** apps/lab; the VM sees the same path because the host root is its root. */
export const labDir = (): string => join(here, "..", "..");
export const repoDir = (): string => join(labDir(), "..", "..");
/** Build products and run directories; never under /tmp, which the VM's own tmpfs hides. */
export const labCacheDir = (): string => join(labDir(), ".cache");
export const vmInitScript = (): string => join(labDir(), "src", "vm", "init.sh");
export const capturesDir = (): string => join(labDir(), "captures");
