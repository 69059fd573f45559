// One schema, one query module, two dialects.
import { Kysely, SqliteDialect, PostgresDialect, Migrator, sql } from "kysely";
import Database from "better-sqlite3";
import pg from "pg";

export function open(kind, schema) {
  if (kind === "sqlite") {
    const file = new Database(":memory:");
    file.pragma("journal_mode = WAL");
    file.pragma("busy_timeout = 5000");
    return { kind, db: new Kysely({ dialect: new SqliteDialect({ database: file }) }) };
  }
  // Per-run schema: every pooled connection starts with search_path set.
  const pool = new pg.Pool({ connectionString: "postgres://postgres@127.0.0.1:5432/test", options: `-c search_path=${schema}`, max: 4 });
  return { kind, pool, db: new Kysely({ dialect: new PostgresDialect({ pool }) }) };
}

// One migration set: types that differ are picked from the dialect, the rest is shared.
export const migrations = (kind) => ({
  async getMigrations() {
    const json = kind === "postgres" ? "jsonb" : "text";
    const now = kind === "postgres" ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;
    return {
      "0001_threads": {
        async up(db) {
          await db.schema.createTable("threads")
            .addColumn("thread_id", "text", (c) => c.primaryKey())
            .addColumn("metadata", sql.raw(json), (c) => c.notNull())
            .addColumn("updated_at", kind === "postgres" ? "timestamptz" : "text", (c) => c.notNull().defaultTo(now))
            .execute();
          await db.schema.createTable("policy_updates")
            .addColumn("interaction_id", "text", (c) => c.primaryKey())
            .addColumn("namespace", "text", (c) => c.notNull())
            .addColumn("reward", "real").execute();
          await db.schema.createTable("policies")
            .addColumn("namespace", "text", (c) => c.primaryKey())
            .addColumn("seq", "integer", (c) => c.notNull().defaultTo(0)).execute();
        },
      },
    };
  },
});

export async function migrate(h) {
  const m = new Migrator({ db: h.db, provider: migrations(h.kind) });
  const r = await m.migrateToLatest();
  if (r.error) throw r.error;
  return r.results.map((x) => `${x.migrationName}:${x.status}`);
}
