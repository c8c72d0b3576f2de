import Papa from "papaparse";

/**
 * A cell a spreadsheet would evaluate starts with = + - @ or a tab/CR. Papa's built-in guard
 * (/^[=+\-@\t\r].*$/) needs the whole value on one line, so "=HYPERLINK(…)\nx" slipped through; this pattern looks
 * only at the first character. Matching cells are prefixed with ' (and quoted), which spreadsheets show as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** CSV for files people open in a spreadsheet: every formula-looking cell neutralised. */
export function toSpreadsheetSafeCsv(records: Record<string, unknown>[]): string {
  return Papa.unparse(records, { escapeFormulae: FORMULA_START });
}
