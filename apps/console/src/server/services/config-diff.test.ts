import { describe, expect, it } from "vitest";
import { diffConfigFiles } from "./config-diff";

describe("diffConfigFiles", () => {
  it("shows changed, added and removed files and nothing for equal ones", () => {
    const before = [
      { name: "frr.conf", content: "router bgp 65000\n neighbor 10.0.0.1 remote-as 65000\n" },
      { name: "same.conf", content: "x\n" },
      { name: "old.sh", content: "echo old\n" },
    ];
    const after = [
      { name: "frr.conf", content: "router bgp 65000\n neighbor 10.0.0.2 remote-as 65000\n" },
      { name: "same.conf", content: "x\n" },
      { name: "new.sh", content: "echo new\n" },
    ];
    const d = diffConfigFiles(before, after);
    expect(d).toContain("-- a/frr.conf");
    expect(d).toContain("- neighbor 10.0.0.1 remote-as 65000");
    expect(d).toContain("+ neighbor 10.0.0.2 remote-as 65000");
    expect(d).toContain("+echo new");
    expect(d).toContain("-echo old");
    expect(d).not.toContain("same.conf");
    expect(diffConfigFiles(after, after)).toBe("");
  });
});
