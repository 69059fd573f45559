import type { Customer } from "../domain/customer.js";

export interface Prioritized {
  customer: Customer;
  score: number;
}

/**
 * Who among the silent customers deserves a proactive message first:
 * S = 0.5·issues_flag + 0.3·norm(price) + 0.2·norm(1/last_purchase_days), min-max normalised over the
 * candidates. Ties keep the customer id order, so the same input gives the same top N.
 */
export function prioritize(customers: readonly Customer[], topN = 30): Prioritized[] {
  const silent = customers.filter((c) => !c.is_vocal);
  if (silent.length === 0) return [];
  const norm = (xs: number[]) => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return xs.map((x) => (hi > lo ? (x - lo) / (hi - lo) : 0));
  };
  const price = norm(silent.map((c) => c.price));
  const recency = norm(silent.map((c) => 1 / Math.max(1, c.last_purchase_days)));
  return silent
    .map((customer, i) => ({ customer, score: 0.5 * customer.issues_flag + 0.3 * price[i]! + 0.2 * recency[i]! }))
    .sort((a, b) => b.score - a.score || a.customer.customer_id.localeCompare(b.customer.customer_id))
    .slice(0, topN);
}
