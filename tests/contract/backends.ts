import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { openDb } from "../../src/store/db.js";
import { openStore } from "../../src/store/open-store.js";
import type { Store } from "../../src/store/ports.js";
import { tempDbPath } from "../helpers/temp-db.js";

/**
 * The backends every contract test runs against. SQLite: a temp file migrated by today's `openDb`.
 * PostgreSQL: a fresh schema per test file, dropped afterwards. Without PostgreSQL the postgres half is
 * skipped with a warning, except under CI, where that is an error.
 */
export const url = process.env.CARE_GRAPH_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
/** The URL as messages show it: a password stays out of the test output. */
const shown = (() => {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.href;
})();

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const pgReachable = await reachable();
if (!pgReachable && process.env.CI) throw new Error(`PostgreSQL is required in CI and not reachable at ${shown} (CARE_GRAPH_TEST_PG)`);
if (!pgReachable)
  console.warn(`PostgreSQL not reachable at ${shown} (CARE_GRAPH_TEST_PG): the postgres half of the contract suite and of the runtime tests is skipped (under CI this is an error)`);

/** A new schema name, and how to drop the schema with everything in it. */
export function freshSchema(): { schema: string; drop: () => Promise<void> } {
  const schema = `cg_test_${randomBytes(6).toString("hex")}`;
  return {
    schema,
    drop: async () => {
      const admin = new pg.Client(url);
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
    },
  };
}

export interface Backend {
  name: "sqlite" | "postgres";
  skip: boolean;
  /** A new, empty, migrated Store and how to remove what it made. */
  open(): Promise<{ store: Store; drop: () => Promise<void> }>;
}

export const backends: Backend[] = [
  {
    name: "sqlite",
    skip: false,
    async open() {
      const file = tempDbPath();
      const store = await openStore({ sqlite: openDb(file.path) });
      return { store, drop: async () => file.cleanup() };
    },
  },
  {
    name: "postgres",
    skip: !pgReachable,
    async open() {
      const { schema, drop } = freshSchema();
      return { store: await openStore({ postgres: url, schema, max: 4 }), drop };
    },
  },
];

/**
 * Declares the same tests on every backend: `body` gets the Store of its backend (one per test file and
 * backend, opened before the file's tests and dropped after them).
 */
export function contract(title: string, body: (store: () => Store, backend: Backend["name"]) => void): void {
  describe.each(backends)(`${title} ($name)`, (b) => {
    describe.skipIf(b.skip)(b.skip ? "skipped: PostgreSQL not reachable" : "", () => {
      let opened: { store: Store; drop: () => Promise<void> } | undefined;
      beforeAll(async () => {
        opened = await b.open();
      });
      afterAll(async () => {
        await opened?.store.close();
        await opened?.drop();
      });
      body(() => opened!.store, b.name);
    });
  });
}
