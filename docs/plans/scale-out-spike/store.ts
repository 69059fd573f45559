// Typed sketch: one Kysely query module, repos bound to the Store or to a transaction, both dialects.
import { Kysely, SqliteDialect, PostgresDialect, CompiledQuery, sql, type Generated, type Transaction, type ColumnType } from "kysely";
import Database from "better-sqlite3";
import pg from "pg";

interface DB {
  audit_log: { id: Generated<number>; actor: string; action: string; subject: string; detail: string; at: ColumnType<string | Date, never, never> };
  outbound_messages: { id: Generated<number>; key: string; customer_id: string; body: string; status: Generated<string> };
}
type Backend = "sqlite" | "postgres";
type Exec = Kysely<DB> | Transaction<DB>;

/** Kysely's SQLite driver says `begin` (deferred); a read-then-write transaction then fails SQLITE_BUSY under a second process. */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver() {
    const driver = super.createDriver();
    driver.beginTransaction = async (conn) => void (await conn.executeQuery(CompiledQuery.raw("begin immediate")));
    return driver;
  }
}

const repos = (db: Exec, backend: Backend) => ({
  audit: {
    async record(actor: string, action: string, subject: string, detail: Record<string, unknown> = {}) {
      await db.insertInto("audit_log").values({ actor, action, subject, detail: JSON.stringify(detail) }).execute();
    },
    async list(subject: string) {
      const rows = await db.selectFrom("audit_log").selectAll().where("subject", "=", subject).orderBy("id").execute();
      return rows.map((r) => ({ ...r, detail: typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail, at: new Date(r.at).toISOString() }));
    },
  },
  outbox: {
    async enqueue(m: { key: string; customerId: string; body: string }) {
      const created = await db.insertInto("outbound_messages").values({ key: m.key, customer_id: m.customerId, body: m.body })
        .onConflict((oc) => oc.column("key").doNothing()).returning("id").executeTakeFirst();
      const message = await db.selectFrom("outbound_messages").selectAll().where("key", "=", m.key).executeTakeFirstOrThrow();
      return { message, created: created !== undefined, backend };
    },
  },
});
type Repos = ReturnType<typeof repos>;

export function openStore(backend: Backend, schema?: string) {
  const db = new Kysely<DB>({
    dialect: backend === "sqlite"
      ? new ImmediateSqliteDialect({ database: new Database(":memory:") })
      : new PostgresDialect({ pool: new pg.Pool({ connectionString: "postgres://postgres@127.0.0.1:5432/test", options: `-c search_path=${schema}`, max: 4 }) }),
  });
  return {
    db, ...repos(db, backend),
    transaction: <T>(fn: (tx: Repos) => Promise<T>) => db.transaction().execute((trx) => fn(repos(trx, backend))),
    close: () => db.destroy(),
  };
}

for (const backend of ["sqlite", "postgres"] as const) {
  const schema = `ts_${process.pid}`;
  if (backend === "postgres") { const c = new pg.Client("postgres://postgres@127.0.0.1:5432/test"); await c.connect(); await c.query(`CREATE SCHEMA ${schema}`); await c.end(); }
  const s = openStore(backend, schema);
  const json = backend === "postgres" ? "jsonb" : "text";
  await s.db.schema.createTable("audit_log").addColumn("id", backend === "postgres" ? "bigserial" : "integer", (c) => c.primaryKey())
    .addColumn("actor", "text").addColumn("action", "text").addColumn("subject", "text").addColumn("detail", sql.raw(json))
    .addColumn("at", backend === "postgres" ? "timestamptz" : "text", (c) => c.notNull().defaultTo(backend === "postgres" ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)).execute();
  await s.db.schema.createTable("outbound_messages").addColumn("id", backend === "postgres" ? "bigserial" : "integer", (c) => c.primaryKey())
    .addColumn("key", "text", (c) => c.notNull().unique()).addColumn("customer_id", "text").addColumn("body", "text").addColumn("status", "text", (c) => c.defaultTo("pending")).execute();
  const first = await s.transaction(async (tx) => { await tx.audit.record("bot", "reply.queued", "c1", { n: 1 }); return tx.outbox.enqueue({ key: "run1:reply", customerId: "c1", body: "hola" }); });
  const replay = await s.transaction((tx) => tx.outbox.enqueue({ key: "run1:reply", customerId: "c1", body: "hola" }));
  console.log(backend, "enqueue created", first.created, "replay created", replay.created, "same id", first.message.id === replay.message.id, "audit", await s.audit.list("c1"));
  if (backend === "postgres") await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(s.db);
  await s.close();
}
