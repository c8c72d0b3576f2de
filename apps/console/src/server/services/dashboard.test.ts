import { emptySiteStatus } from "@dmvpn/protocol";
import { describe, expect, it } from "vitest";
import { registrationSeries } from "./dashboard";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);

function spokeWith(registered: number, shortcuts: number) {
  const s = emptySiteStatus(new Date(NOW).toISOString());
  for (let i = 0; i < registered; i++)
    s.nhs.push({ interface: "gre1", nbma: `203.0.113.${i}`, protocolAddress: null, registered: true });
  for (let i = 0; i < shortcuts; i++)
    s.shortcuts.push({ type: "dynamic", prefix: `10.${i}.0.0/24`, via: null, identity: null });
  return { status: s };
}

describe("registrationSeries", () => {
  it("walks back from what is up now through the up/down events of each bucket", () => {
    const rows = registrationSeries(
      [spokeWith(2, 1), spokeWith(2, 0)],
      [
        { at: minutesAgo(9.5), kind: "registration-up" },
        { at: minutesAgo(9.5), kind: "registration-up" },
        { at: minutesAgo(3.5), kind: "shortcut-up" },
        { at: minutesAgo(3.5), kind: "shortcut-up" },
        { at: minutesAgo(0.5), kind: "shortcut-down" },
      ],
      NOW,
    );
    expect(rows).toHaveLength(30);
    const last = rows.at(-1)!;
    expect([last.registrations, last.shortcuts, last.shortcutDown]).toEqual([4, 1, 1]);
    const at = (m: number) => rows[rows.length - 1 - Math.floor(m / 2)]!;
    expect(at(3.5)).toMatchObject({ shortcuts: 2, shortcutUp: 2 });
    expect(at(6).shortcuts).toBe(0);
    expect(at(9.5)).toMatchObject({ registrations: 4, registrationUp: 2 });
    expect(at(12).registrations).toBe(2);
    expect(rows[0]!.registrations).toBe(2);
  });
});
