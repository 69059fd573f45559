import type { Db } from "./db.js";

export interface ThreadRecord {
  thread_id: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

interface Row {
  thread_id: string;
  metadata: string;
  created_at: string;
  updated_at: string;
}
const fromRow = (r: Row): ThreadRecord => ({ ...r, metadata: JSON.parse(r.metadata) });

/**
 * The metadata keys the service writes and its bookkeeping relies on: which graph, whose contact (where a
 * person's reply is sent), where the run stands (what recovery resumes), who resumed it. Not a client's.
 */
export const BOOKKEEPING_KEYS = ["graph_id", "assistant_id", "customer_id", "status", "context", "resumed_by", "recovered", "error"] as const;

/** Threads of the LangGraph-compatible API, kept in the same file as their checkpoints. */
export class ThreadStore {
  constructor(private readonly db: Db) {}

  get(id: string): ThreadRecord | undefined {
    const row = this.db.prepare("SELECT * FROM threads WHERE thread_id = ?").get(id) as Row | undefined;
    return row && fromRow(row);
  }

  /** put replaces the metadata, patch merges into it; both create the thread if missing. */
  upsert(id: string, kind: "put" | "patch", metadata: Record<string, unknown> = {}): ThreadRecord {
    return this.db.transaction(() => {
      const current = this.get(id);
      const merged = kind === "patch" && current ? { ...current.metadata, ...metadata } : metadata;
      this.db
        .prepare(
          `INSERT INTO threads (thread_id, metadata) VALUES (?, ?)
           ON CONFLICT (thread_id) DO UPDATE SET metadata = excluded.metadata, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
        )
        .run(id, JSON.stringify(merged));
      return this.get(id)!;
    })();
  }

  delete(id: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM threads WHERE thread_id = ?").run(id);
      // The checkpointer creates its tables on first use.
      for (const table of ["checkpoints", "writes"])
        if (this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table))
          this.db.prepare(`DELETE FROM ${table} WHERE thread_id = ?`).run(id);
    })();
  }

  /** Metadata filter by equality on top-level keys (a key no thread can have matches nothing). */
  search(o: { metadata?: Record<string, unknown>; limit: number; offset: number; sortBy: "created_at" | "updated_at"; sortOrder: "asc" | "desc" }) {
    if (Object.keys(o.metadata ?? {}).some((k) => !/^\w{1,64}$/.test(k))) return { total: 0, threads: [] };
    const where = Object.keys(o.metadata ?? {}).map((_, i) => `json_extract(metadata, '$.' || @k${i}) = @v${i}`);
    const params: Record<string, unknown> = { limit: o.limit, offset: o.offset };
    Object.entries(o.metadata ?? {}).forEach(([k, v], i) => {
      params[`k${i}`] = k;
      params[`v${i}`] = typeof v === "boolean" ? Number(v) : v;
    });
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const total = (this.db.prepare(`SELECT count(*) AS n FROM threads ${filter}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM threads ${filter} ORDER BY ${o.sortBy} ${o.sortOrder === "asc" ? "ASC" : "DESC"} LIMIT @limit OFFSET @offset`)
      .all(params) as Row[];
    return { total, threads: rows.map(fromRow) };
  }
}
