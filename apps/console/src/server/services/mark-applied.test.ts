import { describe, expect, it } from "vitest";
import { markAppliedSchema, normaliseSuppliedConfig } from "./mark-applied";

describe("normaliseSuppliedConfig", () => {
  it("drops CRLF, trailing blanks and surrounding empty lines, keeping indentation and inner lines", () => {
    expect(normaliseSuppliedConfig("\r\n\r\ninterface Tunnel0  \r\n ip mtu 1400\r\n\r\n!\r\nend \r\n\r\n")).toBe(
      "interface Tunnel0\n ip mtu 1400\n\n!\nend\n",
    );
  });

  it("is idempotent, so a stored config compares like with like", () => {
    const once = normaliseSuppliedConfig("a \r\nb\n");
    expect(normaliseSuppliedConfig(once)).toBe(once);
  });
});

describe("markAppliedSchema", () => {
  it("names the field of bad input", () => {
    const bad = markAppliedSchema.safeParse({ siteId: "s", revision: 0, runningConfig: " \n" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join("."))).toEqual(["revision", "runningConfig"]);
  });
});
