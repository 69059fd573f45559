import { CompiledQuery, Kysely, SqliteDialect } from "kysely";
import { migrate, openDb, type Db } from "../db.js";
import { kyselyStore } from "../kysely/store.js";
import type { DB } from "../kysely/schema.js";
import type { Store } from "../ports.js";

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
 * The Store on the product's SQLite file, migrated by today's user_version runner (src/store/migrations.ts).
 * Given an open handle, it shares that connection: every query of the process must go through this Store
 * once it exists, or a write made beside it joins an open transaction and is rolled back with it
 * (decision 3). `close` closes the handle.
 */
export function openSqliteStore(database: Db | string): Store {
  const handle = typeof database === "string" ? openDb(database) : database;
  if (typeof database !== "string") migrate(handle);
  return kyselyStore(new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database: handle }) }), "sqlite");
}
