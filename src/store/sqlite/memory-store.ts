import {
  BaseStore,
  validateNamespace,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type PutOperation,
  type SearchOperation,
} from "@langchain/langgraph-checkpoint";
import type { Statement } from "better-sqlite3";
import type { Db } from "../db.js";
import { locked, type FifoLock } from "./lock.js";

/** validateNamespace refuses ':' in a label, so a joined namespace splits back into the same labels. */
const SEP = ":";
/** The character after SEP: every namespace under prefix p sorts in [p + SEP, p + AFTER_SEP). */
const AFTER_SEP = String.fromCharCode(SEP.charCodeAt(0) + 1);
const OPERATORS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"]);

type Row = { namespace: string; key: string; value: string; created_at: string; updated_at: string };

/**
 * LangGraph's long-term memory (`BaseStore`) in the product's SQLite file, table `memory_items`
 * (src/store/migrations.ts). It answers as `InMemoryStore` does (tests/contract/memory-store.test.ts), and
 * like `PostgresStore` it refuses `search([])` ("Namespace cannot be empty.").
 *
 * Every batch runs under the Store's connection lock, as `LockedSqliteSaver` does: a write made while one
 * of our Kysely transactions is open (awaiting) would join it and be rolled back with it
 * (docs/plans/scale-out.md, decision 3).
 *
 * No semantic search: an `index` configuration is refused at construction and a search `query` when it
 * comes (no embeddings are stored); a put's `index` fields are ignored, as `InMemoryStore` does without one.
 * Filters compare top-level keys as `InMemoryStore` does (`===`, and `$eq $ne $gt $gte $lt $lte $in $nin`); a
 * filter value that is an object or array without operators is refused (`InMemoryStore` never matches it,
 * `PostgresStore` tests containment).
 */
export class SqliteMemoryStore extends BaseStore {
  private readonly sql: Record<"get" | "put" | "delete" | "search" | "searchFiltered" | "namespaces" | "namespacesUnder", Statement>;

  constructor(
    private readonly db: Db,
    private readonly lock: FifoLock,
    options: { index?: unknown } = {},
  ) {
    super();
    if (options.index !== undefined) throw new Error("SqliteMemoryStore has no vector search: an index configuration is not supported");
    // The filter runs in SQL so that LIMIT and OFFSET count matching items only.
    db.function("memory_matches", { deterministic: true }, (value: unknown, filter: unknown) =>
      matches(JSON.parse(value as string), JSON.parse(filter as string)) ? 1 : 0);
    const under = "(namespace = @ns OR (namespace >= @ns || '" + SEP + "' AND namespace < @ns || '" + AFTER_SEP + "'))";
    const page = "ORDER BY created_at DESC, namespace, key LIMIT @limit OFFSET @offset";
    this.sql = {
      get: db.prepare("SELECT * FROM memory_items WHERE namespace = ? AND key = ?"),
      put: db.prepare(`INSERT INTO memory_items (namespace, key, value, created_at, updated_at) VALUES (@ns, @key, @value, @now, @now)
        ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
      delete: db.prepare("DELETE FROM memory_items WHERE namespace = ? AND key = ?"),
      search: db.prepare(`SELECT * FROM memory_items WHERE ${under} ${page}`),
      searchFiltered: db.prepare(`SELECT * FROM memory_items WHERE ${under} AND memory_matches(value, @filter) ${page}`),
      namespaces: db.prepare("SELECT DISTINCT namespace FROM memory_items"),
      namespacesUnder: db.prepare(`SELECT DISTINCT namespace FROM memory_items WHERE ${under}`),
    };
  }

  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const writes = operations.some((op) => "value" in op);
    const run = this.db.transaction(() => operations.map((op) => this.run(op)));
    // A writing batch takes the file's write lock up front (decision 2): another process writing first would otherwise fail it.
    return locked(this.lock, () => (writes ? run.immediate() : run())) as Promise<OperationResults<Op>>;
  }

  private run(op: Operation): unknown {
    if ("namespacePrefix" in op) return this.searchOp(op);
    if ("value" in op) return this.putOp(op);
    if ("key" in op) return this.getOp(op);
    return this.listOp(op);
  }

  private getOp(op: GetOperation): Item | null {
    validateNamespace(op.namespace, { allowReservedRoot: true });
    const row = this.sql.get.get(op.namespace.join(SEP), op.key) as Row | undefined;
    return row ? item(row) : null;
  }

  private putOp(op: PutOperation): void {
    validateNamespace(op.namespace, { allowReservedRoot: true });
    const ns = op.namespace.join(SEP);
    if (op.value === null) this.sql.delete.run(ns, op.key);
    else this.sql.put.run({ ns, key: op.key, value: JSON.stringify(op.value), now: new Date().toISOString() });
  }

  private searchOp(op: SearchOperation): Item[] {
    validateNamespace(op.namespacePrefix, { allowReservedRoot: true });
    if (op.query) throw new Error("SqliteMemoryStore has no semantic or text search: search by namespace and filter");
    const filter = op.filter && Object.keys(op.filter).length > 0 ? checkedFilter(op.filter) : undefined;
    const params = { ns: op.namespacePrefix.join(SEP), limit: op.limit ?? 10, offset: op.offset ?? 0 };
    const rows = (filter ? this.sql.searchFiltered.all({ ...params, filter: JSON.stringify(filter) }) : this.sql.search.all(params)) as Row[];
    return rows.map(item);
  }

  private listOp(op: ListNamespacesOperation): string[][] {
    const conditions = op.matchConditions ?? [];
    // The prefix's labels before any wildcard narrow the scan to a key range.
    const prefix = conditions.find((c) => c.matchType === "prefix")?.path ?? [];
    const fixed = prefix.slice(0, prefix.includes("*") ? prefix.indexOf("*") : prefix.length);
    const rows = (fixed.length ? this.sql.namespacesUnder.all({ ns: fixed.join(SEP) }) : this.sql.namespaces.all()) as Array<{ namespace: string }>;
    let namespaces = rows.map((r) => r.namespace.split(SEP)).filter((ns) => conditions.every((c) => fits(c, ns)));
    if (op.maxDepth !== undefined) namespaces = [...new Map(namespaces.map((ns) => ns.slice(0, op.maxDepth))
      .map((ns) => [ns.join(SEP), ns])).values()];
    // InMemoryStore's order, so both answer alike.
    namespaces.sort((a, b) => a.join(SEP).localeCompare(b.join(SEP)));
    const offset = op.offset ?? 0;
    return namespaces.slice(offset, offset + (op.limit ?? namespaces.length));
  }
}

const item = (r: Row): Item => ({
  namespace: r.namespace.split(SEP),
  key: r.key,
  value: JSON.parse(r.value),
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

function fits({ matchType, path }: MatchCondition, ns: string[]): boolean {
  if (path.length > ns.length) return false;
  const part = matchType === "prefix" ? ns.slice(0, path.length) : ns.slice(ns.length - path.length);
  return path.every((label, i) => label === "*" || label === part[i]);
}

const isOperators = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).every((k) => OPERATORS.has(k));

function checkedFilter(filter: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(filter))
    if (typeof value === "object" && value !== null && !isOperators(value))
      throw new Error(`SqliteMemoryStore filters compare top-level values: "${key}" must be a string, number, boolean, null or { $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin }`);
  return filter;
}

/** InMemoryStore's comparison (its compareValues, not exported by the package). */
function matches(value: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, expected]) => {
    const actual = value?.[key];
    if (!isOperators(expected)) return actual === expected;
    return Object.entries(expected).every(([op, v]) => {
      switch (op) {
        case "$eq": return actual === v;
        case "$ne": return actual !== v;
        case "$gt": return Number(actual) > Number(v);
        case "$gte": return Number(actual) >= Number(v);
        case "$lt": return Number(actual) < Number(v);
        case "$lte": return Number(actual) <= Number(v);
        case "$in": return Array.isArray(v) && v.includes(actual);
        default: return !Array.isArray(v) || !v.includes(actual); // $nin
      }
    });
  });
}
