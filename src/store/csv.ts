/**
 * A spreadsheet runs a cell that starts like a formula (a customer's "=HYPERLINK(…)" exported for an operator):
 * such text is written after a "'", which spreadsheets show as text and hide, and which parseCsv takes off
 * again (text that already starts with "'" and a formula character gets one more).
 */
const FORMULA = /^'*[=+\-@\t\r]/;
const asText = (v: string) => (FORMULA.test(v) && Number.isNaN(Number(v)) ? `'${v}` : v);
const fromText = (v: string) => (v.startsWith("'") && FORMULA.test(v) ? v.slice(1) : v);

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") row.push(fromText(field)), (field = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(fromText(field));
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw new Error("CSV: unterminated quoted field");
  if (field !== "" || row.length > 0) row.push(fromText(field)), rows.push(row);
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record, without its line end: what a streamed export writes row by row. */
export function csvLine(r: ReadonlyArray<unknown>): string {
  return r.map((v) => quote(v === null || v === undefined ? "" : asText(String(v)))).join(",");
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return [csvLine(header), ...rows.map(csvLine)].join("\n") + "\n";
}
