import type { Db } from "./db.js";
import type { Store } from "./ports.js";
import { openSqliteStore } from "./sqlite/open.js";

export type StoreOptions = { sqlite: Db | string } | { postgres: string; schema?: string; max?: number };

/** The Store on either backend. PostgreSQL's driver is loaded only when asked for. */
export async function openStore(o: StoreOptions): Promise<Store> {
  if ("sqlite" in o) return openSqliteStore(o.sqlite);
  const { openPostgresStore } = await import("./postgres/open.js");
  return openPostgresStore({ url: o.postgres, schema: o.schema, max: o.max });
}
