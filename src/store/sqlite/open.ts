import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { CompiledQuery, Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from "kysely";
import { migrate, openDb, type Db } from "../db.js";
import { kyselyStore } from "../kysely/store.js";
import type { DB } from "../kysely/schema.js";
import type { Store } from "../ports.js";
import { fifoLock, locked, type FifoLock } from "./lock.js";
import { SqliteMemoryStore } from "./memory-store.js";
import { sqliteRetention } from "./retention.js";
import { localSignals } from "./signals.js";

/**
 * Kysely's SQLite driver opens transactions with `begin` (deferred): a read-then-write transaction then
 * fails with SQLITE_BUSY when another process writes the file first. `begin immediate` takes the write
 * lock up front, so writers wait (busy_timeout) instead (docs/plans/scale-out.md, decision 2).
 * Its one connection is handed out by a FIFO lock too: the driver's own mutex wakes every waiter on each
 * release, so with runs in flight each query cost CPU in proportion to the queue (about a fifth of the
 * graph's throughput at 16 in flight).
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  /** Who holds the connection; the checkpointer takes it directly (LockedSqliteSaver). */
  readonly lock = fifoLock();

  override createDriver() {
    const driver = super.createDriver();
    // The driver's own acquire, taken once and never released: from then on the FIFO lock guards the connection.
    const connection = once(driver.acquireConnection.bind(driver));
    const lock = this.lock;
    driver.acquireConnection = async () => {
      await lock.acquire();
      return connection();
    };
    driver.releaseConnection = async () => lock.release();
    driver.beginTransaction = async (c) => void (await c.executeQuery(CompiledQuery.raw("begin immediate")));
    return driver;
  }
}

const once = <T>(fn: () => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: fn() }).v;
};

/**
 * SqliteSaver on the Store's one connection, each call under the Store's connection lock: a checkpoint
 * written while one of our transactions is open (awaiting) would otherwise join it and be rolled back
 * with it (docs/plans/scale-out.md, decision 3). A second connection is no way out: better-sqlite3 waits
 * for the file's write lock synchronously, blocking the event loop that would end our transaction.
 */
export class LockedSqliteSaver extends SqliteSaver {
  constructor(
    database: Db,
    private readonly lock: FifoLock,
  ) {
    super(database);
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return locked(this.lock, fn);
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

/**
 * Kysely's SQLite driver prepares every query anew, which costs about as much as running it; the product
 * runs a few dozen distinct queries, so each is prepared once (the cache is bounded for the variable ones,
 * a multi-row insert's). Statements are used one at a time: the driver holds its connection's mutex.
 */
export function cachingStatements(db: Db, max = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

function open(database: Db | string) {
  const handle = typeof database === "string" ? openDb(database) : database;
  if (typeof database !== "string") migrate(handle);
  const dialect = new ImmediateSqliteDialect({ database: cachingStatements(handle) });
  const kysely = new Kysely<DB>({ dialect });
  return { handle, lock: dialect.lock, store: kyselyStore(kysely, "sqlite", sqliteRetention(kysely), localSignals()) };
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

/** The Store, the graph's checkpointer and its long-term memory on one SQLite file and one connection. */
export function openSqlite(path: string): { store: Store; checkpointer: LockedSqliteSaver; memory: SqliteMemoryStore } {
  const { handle, lock, store } = open(path);
  return { store, checkpointer: new LockedSqliteSaver(handle, lock), memory: new SqliteMemoryStore(handle, lock) };
}
