import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { CompiledQuery, Kysely, SqliteDialect } from "kysely";
import { migrate, openDb, type Db } from "../db.js";
import { kyselyStore } from "../kysely/store.js";
import type { DB } from "../kysely/schema.js";
import type { Store } from "../ports.js";
import { sqliteRetention } from "./retention.js";

/**
 * Kysely's SQLite driver opens transactions with `begin` (deferred): a read-then-write transaction then
 * fails with SQLITE_BUSY when another process writes the file first. `begin immediate` takes the write
 * lock up front, so writers wait (busy_timeout) instead (docs/plans/scale-out.md, decision 2).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver() {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => void (await connection.executeQuery(CompiledQuery.raw("begin immediate")));
    return driver;
  }
}

/**
 * SqliteSaver on the Store's one connection, each call under Kysely's connection mutex: a checkpoint
 * written while one of our transactions is open (awaiting) would otherwise join it and be rolled back
 * with it (docs/plans/scale-out.md, decision 3). A second connection is no way out: better-sqlite3 waits
 * for the file's write lock synchronously, blocking the event loop that would end our transaction.
 */
export class LockedSqliteSaver extends SqliteSaver {
  constructor(
    database: Db,
    private readonly kysely: Kysely<DB>,
  ) {
    super(database);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.kysely.connection().execute(fn);
  }

  override getTuple(...a: Parameters<SqliteSaver["getTuple"]>) {
    return this.locked(() => super.getTuple(...a));
  }

  override put(...a: Parameters<SqliteSaver["put"]>) {
    return this.locked(() => super.put(...a));
  }

  override putWrites(...a: Parameters<SqliteSaver["putWrites"]>) {
    return this.locked(() => super.putWrites(...a));
  }

  override deleteThread(threadId: string) {
    return this.locked(() => super.deleteThread(threadId));
  }

  /** The page is read under the lock and yielded after it: a consumer calling the saver in its loop would deadlock. */
  override async *list(...a: Parameters<SqliteSaver["list"]>) {
    const page = await this.locked(async () => {
      const out = [];
      for await (const t of super.list(...a)) out.push(t);
      return out;
    });
    yield* page;
  }
}

function open(database: Db | string) {
  const handle = typeof database === "string" ? openDb(database) : database;
  if (typeof database !== "string") migrate(handle);
  const kysely = new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database: handle }) });
  return { handle, kysely, store: kyselyStore(kysely, "sqlite", sqliteRetention(kysely)) };
}

/**
 * The Store on the product's SQLite file, migrated by today's user_version runner (src/store/migrations.ts).
 * Given an open handle, it shares that connection: every query of the process must go through this Store
 * once it exists, or a write made beside it joins an open transaction and is rolled back with it
 * (decision 3). `close` closes the handle.
 */
export function openSqliteStore(database: Db | string): Store {
  return open(database).store;
}

/** The Store and the graph's checkpointer on one SQLite file and one connection. */
export function openSqlite(path: string): { store: Store; checkpointer: LockedSqliteSaver } {
  const { handle, kysely, store } = open(path);
  return { store, checkpointer: new LockedSqliteSaver(handle, kysely) };
}
