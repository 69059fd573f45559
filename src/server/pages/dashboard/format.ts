/** Numbers as an operator in Mexico reads them. */
const fmt = (digits: number) => new Intl.NumberFormat("es-MX", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const F0 = fmt(0);
const F2 = fmt(2);
const F3 = fmt(3);
const PCT = new Intl.NumberFormat("es-MX", { style: "percent", maximumFractionDigits: 1 });
const USD = new Intl.NumberFormat("es-MX", { style: "currency", currency: "USD", minimumFractionDigits: 3, maximumFractionDigits: 3 });

const or = (x: number | null | undefined, f: (x: number) => string) => (x === null || x === undefined || Number.isNaN(x) ? "—" : f(x));
export const int = (x: number | null | undefined) => or(x, (v) => F0.format(v));
export const num2 = (x: number | null | undefined) => or(x, (v) => F2.format(v));
export const num3 = (x: number | null | undefined) => or(x, (v) => F3.format(v));
export const pct = (x: number | null | undefined) => or(x, (v) => PCT.format(v));
/** A value already in percent (lift). */
export const pctPoints = (x: number | null | undefined) => or(x, (v) => `${v >= 0 ? "+" : ""}${F2.format(v)} %`);
export const usd = (x: number | null | undefined) => or(x, (v) => USD.format(v));

export const SAFETY_LABEL: Record<string, string> = { ok: "segura", fixable: "corregida", severe: "grave" };
