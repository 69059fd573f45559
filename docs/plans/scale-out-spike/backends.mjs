import pg from "pg";
import { randomBytes } from "node:crypto";
import { Kysely, SqliteDialect, PostgresDialect, sql } from "kysely";
import Database from "better-sqlite3";
const url = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
async function canConnect() {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try { await c.connect(); await c.query("SELECT 1"); return true; } catch { return false; } finally { await c.end().catch(() => {}); }
}
export const pgReachable = await canConnect();
if (!pgReachable && process.env.CI) throw new Error(`PostgreSQL is required in CI and not reachable at ${url}`);
if (!pgReachable) console.warn(`PostgreSQL not reachable at ${url}: the postgres half of the contract suite is skipped (CI makes this an error)`);
export const backends = [
  { name: "sqlite", skip: false, open: async () => ({ db: new Kysely({ dialect: new SqliteDialect({ database: new Database(":memory:") }) }), drop: async () => {} }) },
  { name: "postgres", skip: !pgReachable, open: async () => {
      const schema = `cg_test_${process.pid}_${randomBytes(4).toString("hex")}`;
      const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 2 });
      const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
      await sql.raw(`CREATE SCHEMA ${schema}`).execute(db);
      return { db, schema, drop: () => sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(db) };
    } },
];
