import { PostgresCheckpointer } from "./checkpointer.js";
import { PostgresStore } from "@langchain/langgraph-checkpoint-postgres/store";
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
 * The Store and the graph's checkpointer (PostgresSaver saving in one statement: checkpointer.ts) on one pool,
 * and its long-term memory (PostgresStore, which always builds a pool of its own: kept small), in `schema`
 * (created if missing), all migrated to their latest version. `store.close()` ends both pools.
 */
export async function openPostgres(o: { url: string; schema?: string; max?: number }): Promise<{ store: Store; checkpointer: PostgresCheckpointer; memory: PostgresStore }> {
  if (o.schema !== undefined && !SCHEMA_NAME.test(o.schema)) throw new Error(`invalid PostgreSQL schema name: ${JSON.stringify(o.schema)}`);
  const schema = o.schema ?? "public";
  const pool = new pg.Pool({ connectionString: o.url, max: o.max ?? 10, types, options: `-c search_path=${schema}` });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const checkpointer = new PostgresCheckpointer(pool, schema);
  const memory = new PostgresStore({ connectionOptions: { connectionString: o.url, max: 2 }, schema });
  const close = async () => {
    await memory.stop();
    await db.destroy();
  };
  try {
    await migrate(o.url, db, schema, async () => {
      await checkpointer.setup();
      await memory.setup();
    });
  } catch (e) {
    await close();
    throw e;
  }
  const store = kyselyStore(db, "postgres", postgresRetention(db, schema), pgSignals(o.url, schema));
  return {
    store: {
      ...store,
      close: async () => {
        await memory.stop();
        await store.close();
      },
    },
    checkpointer,
    memory,
  };
}

export async function openPostgresStore(o: { url: string; schema?: string; max?: number }): Promise<Store> {
  return (await openPostgres(o)).store;
}

/**
 * Creates the schema and runs the migrations under a lock of our own, held by a connection outside the
 * pool: processes starting at once on a new schema otherwise race in CREATE SCHEMA IF NOT EXISTS and in
 * the Migrator's creation of its own tables (and PostgresSaver's and PostgresStore's setup, which number
 * their migrations with no lock), and all but one fail.
 */
async function migrate(url: string, db: Kysely<DB>, schema: string, setupLangGraph: () => Promise<void>): Promise<void> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock(hashtext($1))", [`care-graph migrate ${schema}`]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    // Named: without it the Migrator finds its tables in any schema of the database (another deployment's) and skips creating its own.
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, migrationTableSchema: schema }).migrateToLatest();
    if (error) throw error;
    await setupLangGraph();
  } finally {
    await lock.end(); // ends the session, and with it the lock
  }
}
