import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { Kysely, Migrator, PostgresDialect } from "kysely";
import pg from "pg";
import { kyselyStore } from "../kysely/store.js";
import type { DB } from "../kysely/schema.js";
import type { Store } from "../ports.js";
import { MIGRATIONS } from "./migrations.js";
import { postgresRetention } from "./retention.js";
import { SCHEMA_NAME } from "./schema-name.js";
import { pgSignals } from "./signals.js";

/** bigint (count, sum) and numeric come back as strings by default: our values fit a double. */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * The Store and the graph's checkpointer (PostgresSaver) on one pool, in `schema` (created if missing),
 * both migrated to their latest version. `store.close()` ends the pool.
 */
export async function openPostgres(o: { url: string; schema?: string; max?: number }): Promise<{ store: Store; checkpointer: PostgresSaver }> {
  if (o.schema !== undefined && !SCHEMA_NAME.test(o.schema)) throw new Error(`invalid PostgreSQL schema name: ${JSON.stringify(o.schema)}`);
  const schema = o.schema ?? "public";
  const pool = new pg.Pool({ connectionString: o.url, max: o.max ?? 10, types, options: `-c search_path=${schema}` });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const checkpointer = new PostgresSaver(pool, undefined, { schema });
  try {
    await migrate(o.url, db, schema, () => checkpointer.setup());
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return { store: kyselyStore(db, "postgres", postgresRetention(db, schema), pgSignals(o.url, schema)), checkpointer };
}

export async function openPostgresStore(o: { url: string; schema?: string; max?: number }): Promise<Store> {
  return (await openPostgres(o)).store;
}

/**
 * Creates the schema and runs the migrations under a lock of our own, held by a connection outside the
 * pool: processes starting at once on a new schema otherwise race in CREATE SCHEMA IF NOT EXISTS and in
 * the Migrator's creation of its own tables (and PostgresSaver's setup, which numbers its migrations with no
 * lock), and all but one fail.
 */
async function migrate(url: string, db: Kysely<DB>, schema: string, setupCheckpointer: () => Promise<void>): Promise<void> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext($1))", [`care-graph migrate ${schema}`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    // Named: without it the Migrator finds its tables in any schema of the database (another deployment's) and skips creating its own.
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, migrationTableSchema: schema }).migrateToLatest();
    if (error) throw error;
    await setupCheckpointer();
  } finally {
    await lock.end(); // ends the session, and with it the lock
  }
}
