import { describe, expect, it } from "vitest";
import { describeTimeZone, formatClock, formatDateTime, timeAgo } from "./time";

const AT = "2026-03-07T13:04:05.000Z";

describe("formatDateTime", () => {
  it("prints 24-hour ISO-like time in the given zone", () => {
    expect(formatDateTime(AT, { timeZone: "UTC" })).toBe("2026-03-07 13:04:05");
    expect(formatDateTime(AT, { timeZone: "Asia/Tokyo" })).toBe("2026-03-07 22:04:05");
    // Afternoon in New York: 08:04 in a 24-hour clock, never "8:04 AM".
    expect(formatDateTime(AT, { timeZone: "America/New_York" })).toBe("2026-03-07 08:04:05");
    expect(formatDateTime(AT, { timeZone: "America/Los_Angeles" })).toBe("2026-03-07 05:04:05");
  });

  it("rolls the date over with the zone, and prints midnight as 00", () => {
    expect(formatDateTime("2026-03-07T15:30:00Z", { timeZone: "Asia/Tokyo" })).toBe("2026-03-08 00:30:00");
    expect(formatDateTime("2026-01-01T00:00:00Z", { timeZone: "UTC" })).toBe("2026-01-01 00:00:00");
    expect(formatDateTime("2026-01-01T02:00:00Z", { timeZone: "America/New_York" })).toBe("2025-12-31 21:00:00");
  });

  it("follows daylight saving time", () => {
    expect(formatDateTime("2026-01-15T12:00:00Z", { timeZone: "Europe/Berlin" })).toBe("2026-01-15 13:00:00");
    expect(formatDateTime("2026-07-15T12:00:00Z", { timeZone: "Europe/Berlin" })).toBe("2026-07-15 14:00:00");
  });

  it("accepts Date, ISO string and epoch milliseconds alike", () => {
    const d = new Date(AT);
    const expected = "2026-03-07 13:04:05";
    expect(formatDateTime(d, { timeZone: "UTC" })).toBe(expected);
    expect(formatDateTime(d.getTime(), { timeZone: "UTC" })).toBe(expected);
  });

  it("shows a dash for missing or invalid values instead of 'Invalid Date'", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime(undefined)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });

  it("uses the runtime's zone by default, still 24-hour", () => {
    expect(formatDateTime(AT)).toMatch(/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):\d{2}:\d{2}$/);
  });
});

describe("formatClock", () => {
  it("prints hours and minutes on a 24-hour clock", () => {
    expect(formatClock(AT, { timeZone: "UTC" })).toBe("13:04");
    expect(formatClock("2026-03-07T23:59:59Z", { timeZone: "UTC" })).toBe("23:59");
    expect(formatClock("2026-03-07T00:07:00Z", { timeZone: "UTC" })).toBe("00:07");
    expect(formatClock("bad")).toBe("—");
  });
});

describe("describeTimeZone", () => {
  it("names the zone and its offset at that moment", () => {
    expect(describeTimeZone("2026-01-15T12:00:00Z", { timeZone: "Europe/Berlin" })).toBe("Europe/Berlin (UTC+01:00)");
    expect(describeTimeZone("2026-07-15T12:00:00Z", { timeZone: "Europe/Berlin" })).toBe("Europe/Berlin (UTC+02:00)");
    expect(describeTimeZone(AT, { timeZone: "Asia/Kolkata" })).toBe("Asia/Kolkata (UTC+05:30)");
    expect(describeTimeZone(AT, { timeZone: "UTC" })).toBe("UTC (UTC+00:00)");
  });
});

describe("timeAgo", () => {
  const now = Date.parse(AT);
  it("counts seconds, minutes, hours and days", () => {
    expect(timeAgo(new Date(now - 12_000), now)).toBe("12 s ago");
    expect(timeAgo(new Date(now - 5 * 60_000), now)).toBe("5 min ago");
    expect(timeAgo(new Date(now - 3 * 3_600_000), now)).toBe("3 h ago");
    expect(timeAgo(new Date(now - 2 * 86_400_000), now)).toBe("2 d ago");
  });
  it("never goes negative for clock skew, and says never for no time", () => {
    expect(timeAgo(new Date(now + 5_000), now)).toBe("0 s ago");
    expect(timeAgo(null, now)).toBe("never");
    expect(timeAgo("nonsense", now)).toBe("never");
  });
});
