import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { capturesDir } from "../host/paths";
import { parseXfrmState, xfrmTotals } from "./xfrm-state";

// Real `ip -s xfrm state` output from the lab's routers with IPsec on (key bytes redacted, see the headers).
const fixture = (router: string) => readFileSync(join(capturesDir(), "ipsec", `xfrm-state-${router}.txt`), "utf8");

describe("parseXfrmState", () => {
  it("reads each SA of the NAT spoke with its UDP encapsulation and counters", () => {
    const states = parseXfrmState(fixture("spoke3"));
    expect(states).toHaveLength(4);
    expect(states[0]).toEqual({
      src: "192.168.100.2",
      dst: "203.0.113.1",
      proto: "esp",
      spi: "0xc4c12710",
      mode: "transport",
      encap: "espinudp",
      bytes: 4336,
      packets: 46,
    });
    expect(states.every((s) => s.encap === "espinudp" && s.mode === "transport")).toBe(true);
  });

  it("reads a public spoke's SAs without encapsulation and sums their counters", () => {
    const states = parseXfrmState(fixture("spoke1"));
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((s) => s.encap === null && s.proto === "esp")).toBe(true);
    const totals = xfrmTotals(states);
    expect(totals.bytes).toBe(states.reduce((n, s) => n + s.bytes, 0));
    expect(totals.packets).toBeGreaterThan(0);
  });

  it("takes the counters from 'lifetime current', not from the configured limits", () => {
    const states = parseXfrmState(fixture("spoke3"));
    expect(states.map((s) => s.bytes)).not.toContain(0);
  });
});
