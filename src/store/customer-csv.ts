import { CUSTOMER_COLUMNS, Customer, describeIssues } from "../domain/customer.js";
import { parseCsv, toCsv } from "./csv.js";

export class CustomerCsvError extends Error {
  override readonly name = "CustomerCsvError";
}

export function customersToCsv(customers: readonly Customer[]): string {
  return toCsv(
    CUSTOMER_COLUMNS,
    customers.map((c) => CUSTOMER_COLUMNS.map((col) => c[col])),
  );
}

const NUMERIC = new Set(["last_purchase_days", "price", "issues_flag", "past_nps", "churn_risk_est"]);

function cell(column: string, raw: string): unknown {
  if (column === "is_vocal") return raw === "true" || raw === "1" ? true : raw === "false" || raw === "0" ? false : raw;
  if (NUMERIC.has(column)) return raw.trim() === "" || Number.isNaN(Number(raw)) ? raw : Number(raw);
  return raw;
}

/** Every row validated before any is returned; the first bad row is named with its line and field. */
export function customersFromCsv(text: string): Customer[] {
  let parsed: string[][];
  try {
    parsed = parseCsv(text);
  } catch (e) {
    throw new CustomerCsvError((e as Error).message);
  }
  const [header, ...rows] = parsed;
  if (!header) throw new CustomerCsvError("CSV is empty");
  const missing = CUSTOMER_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new CustomerCsvError(`CSV header lacks ${missing.join(", ")}`);
  const seen = new Set<string>();
  return rows.map((row, idx) => {
    const line = idx + 2;
    const record = Object.fromEntries(header.map((col, i) => [col, cell(col, row[i] ?? "")]));
    const parsed = Customer.safeParse(record);
    if (!parsed.success) throw new CustomerCsvError(describeIssues(parsed.error, `line ${line}: `));
    if (seen.has(parsed.data.customer_id)) throw new CustomerCsvError(`line ${line}: customer_id: duplicate ${parsed.data.customer_id}`);
    seen.add(parsed.data.customer_id);
    return parsed.data;
  });
}
