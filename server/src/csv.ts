/**
 * The one CSV writer of the app (issue 14 §2): every CSV the server produces goes through `csvCell` /
 * `csvDocument`, so formula injection is neutralised in one place.
 */

/**
 * Text starting with one of these is taken as a formula (or, for TAB and CR, as something that
 * turns into one) by Excel, LibreOffice and WPS when they open a CSV: OWASP "CSV Injection".
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell value as the app has it: text, a number of a numeric column, or empty. */
export type CsvValue = string | number | null | undefined;

/**
 * Text that a spreadsheet would evaluate gets a leading `'` (OWASP's advice): it shows as text and
 * is never run. Numbers are written as numbers — a numeric column's -5 stays -5 — because a finite
 * number can only be written as digits, a sign, a point and an exponent: never a formula.
 */
export function neutraliseFormula(value: CsvValue): string {
  if (value === null || value === undefined) {
    return "";
  }
  if (typeof value === "number") {
    return Number.isFinite(value) ? String(value) : "";
  }
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes `neutraliseFormula` on text read back from a CSV (an export edited and re-imported). */
export function unescapeCsvText(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** One RFC 4180 field: neutralised, then quoted when it holds a quote, comma or line break. */
export function csvCell(value: CsvValue): string {
  const s = neutraliseFormula(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV file: CRLF lines and a UTF-8 BOM so Excel opens the Chinese correctly. */
export function csvDocument(rows: CsvValue[][]): Buffer {
  const lines = rows.map((cells) => cells.map(csvCell).join(","));
  return Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8");
}
