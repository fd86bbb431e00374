/**
 * CSV for spreadsheets, safe against formula injection. Every cell is quoted (so `,`, `;` —
 * the list separator of Estonian spreadsheets — and line breaks stay inside it whatever
 * separator the reader assumes), and wherever a spreadsheet might start a cell — the cell's
 * start, after a line break, after a `;` — a value that would begin with = + - @ (also their
 * full-width and small forms, and after spaces or quote marks) or with a tab or carriage
 * return gets a leading apostrophe, which spreadsheets show as text.
 */

const FORMULA_AT =
  /(^|[\r\n;])((?:[^\S\r\n]|["'\u00AB\u00BB\u2018\u2019\u201C\u201D\u201E\uFF02\uFF07])*)(?=[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66])/g;

export type CsvValue = string | number | boolean | null | undefined | readonly string[];

export function csvCell(value: CsvValue): string {
  let s =
    value === null || value === undefined
      ? ''
      : Array.isArray(value)
        ? value.join(' ')
        : String(value);
  s = s.replace(FORMULA_AT, "$1'$2");
  if (/^[\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** A byte-order mark first, so spreadsheets read the file as UTF-8. */
export const CSV_BOM = '\uFEFF';
