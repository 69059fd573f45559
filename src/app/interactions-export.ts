import type { Interaction } from "../domain/interaction.js";
import { csvLine } from "../store/csv.js";
import type { InteractionFilter } from "../store/interactions.js";
import type { InteractionStore } from "../store/ports.js";

/** The interaction log as a table: an experiment's interactions.csv and the console's export. */
export const EXPORT_COLUMNS = [
  "interaction_id", "iteration", "policy_namespace", "policy", "customer_id", "segment", "issue_bucket", "mode", "route",
  "template", "propensity", "message_source", "safety_verdict", "safety_rules", "escalation_reason", "nps_expected",
  "engagement_prob", "churn_prob", "reward", "status", "learned", "created_at", "message", "rationale",
] as const;

export function exportRow(i: Interaction): unknown[] {
  const flat: Record<string, unknown> = { ...i, ...i.score, safety_rules: i.safety_rules.join("|") };
  return EXPORT_COLUMNS.map((c) => flat[c]);
}

/**
 * The filtered log as CSV, a page of rows at a time, so an export of the whole log never sits in memory.
 * Cells are escaped as src/store/csv.ts does (quotes, and a leading ' on text a spreadsheet would run as a formula).
 */
export async function* interactionsCsv(store: Pick<InteractionStore, "list">, filter: Omit<InteractionFilter, "limit" | "offset">, pageSize = 500): AsyncGenerator<string> {
  yield csvLine(EXPORT_COLUMNS) + "\n";
  for (let offset = 0; ; offset += pageSize) {
    const page = await store.list({ ...filter, limit: pageSize, offset });
    if (page.length) yield page.map((i) => csvLine(exportRow(i))).join("\n") + "\n";
    if (page.length < pageSize) return;
  }
}
