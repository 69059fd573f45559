import { randomBytes } from "node:crypto";
import pg from "pg";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { DB } from "../../src/store/kysely/schema.js";
import { MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { openStore } from "../../src/store/open-store.js";
import { freshSchema, pgReachable, url } from "./backends.js";

/** What only the PostgreSQL backend has to show: several processes start on one database. */
describe.skipIf(!pgReachable)("the PostgreSQL Store", () => {
  it("six processes opening one new schema at once all start, and the baseline runs once", async () => {
    const schema = `cg_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client(url);
    await admin.connect();
    try {
      // Settled, not all: a failed open must not let the cleanup run before the others are done.
      const opened = await Promise.allSettled(Array.from({ length: 6 }, () => openStore({ postgres: url, schema, max: 1 })));
      const stores = opened.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      await Promise.all(stores.map((s) => s.close()));
      expect(opened.filter((r) => r.status === "rejected")).toEqual([]);
      const { rows } = await admin.query(`SELECT name FROM ${schema}.kysely_migration`);
      expect(rows.map((r) => r.name)).toEqual(["0001_baseline", "0002_run_queue", "0003_desk", "0004_transcript", "0005_channels", "0006_people"]);
      const tables = await admin.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'outbound_messages'", [schema]);
      expect(tables.rows[0].n).toBe(1);
      // PostgresSaver's setup ran under the same lock: its tables are there, each migration once.
      const saver = await admin.query(`SELECT count(*)::int AS n, count(DISTINCT v)::int AS d FROM ${schema}.checkpoint_migrations`);
      expect(saver.rows[0].n).toBeGreaterThan(0);
      expect(saver.rows[0].n).toBe(saver.rows[0].d);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });

  it("migrates a new schema beside another one already in the database (two deployments, one database)", async () => {
    const [a, b] = [freshSchema(), freshSchema()];
    try {
      const first = await openStore({ postgres: url, schema: a.schema, max: 1 });
      await first.close();
      const second = await openStore({ postgres: url, schema: b.schema, max: 1 });
      expect(await second.customers.count()).toBe(0);
      await second.close();
    } finally {
      await a.drop();
      await b.drop();
    }
  });

  it("the run queue's migration gives each message already queued a key of its own", async () => {
    const { schema, drop } = freshSchema();
    const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql.raw(`CREATE SCHEMA ${schema}`).execute(db);
      const baseline = { "0001_baseline": MIGRATIONS["0001_baseline"]! };
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => baseline }, migrationTableSchema: schema }).migrateToLatest();
      expect(error).toBeUndefined();
      await sql`INSERT INTO outbound_messages (customer_id, author, body, status) VALUES ('c1', 'ana', 'uno', 'sent'), ('c1', 'ana', 'dos', 'pending')`.execute(db);
      const store = await openStore({ postgres: url, schema, max: 1 });
      try {
        expect(await store.outbox.enqueue({ key: "legacy:2", customerId: "c1", author: "ana", body: "dos" })).toMatchObject({ created: false, message: { id: 2, body: "dos" } });
        expect((await sql<{ key: string }>`SELECT key FROM outbound_messages ORDER BY id`.execute(db)).rows.map((r) => r.key)).toEqual(["legacy:1", "legacy:2"]);
      } finally {
        await store.close();
      }
    } finally {
      await db.destroy();
      await drop();
    }
  });

  it("refuses a schema name that is not a plain identifier", async () => {
    await expect(openStore({ postgres: url, schema: "x; DROP TABLE customers" })).rejects.toThrow(/invalid PostgreSQL schema name/);
  });
});
