import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { charonVersionIn, frrVersionIn, isVersion } from "./versions";

const captured = (name: string) => readFileSync(join(import.meta.dirname, "../../captures/versions", name), "utf8");

describe("versions a router reports", () => {
  it("reads FRR's from show version and charon's from swanctl --version --daemon (lab VM, Debian 13 root)", () => {
    expect(frrVersionIn(captured("frr-10.3-show-version-line1.txt"))).toBe("10.3");
    expect(charonVersionIn(captured("strongswan-6.0.1-swanctl-version-daemon.txt"))).toBe("6.0.1");
    expect(frrVersionIn("% Unknown command\n")).toBeUndefined();
  });

  it("compares by release prefix", () => {
    expect(isVersion("10.3", "10.3")).toBe(true);
    expect(isVersion("8.4.4", "8.4")).toBe(true);
    expect(isVersion("10.30", "10.3")).toBe(false);
    expect(isVersion(undefined, "8.4")).toBe(false);
  });
});
