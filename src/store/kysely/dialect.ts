import { createQueryId, sql, type Compilable, type CompiledQuery, type Kysely, type RawBuilder, type SelectQueryBuilder } from "kysely";
import type { SignalChannel } from "../ports.js";
import type { DB } from "./schema.js";

export type Backend = "sqlite" | "postgres";

/** All the code that knows which backend it talks to: the queries themselves are shared. */
export interface Dialect {
  backend: Backend;
  /** A JSON column as read: text to parse on SQLite, already parsed jsonb on PostgreSQL. */
  json<T = unknown>(v: unknown): T;
  /** A flag as written: 0/1 on SQLite (better-sqlite3 binds no booleans), boolean on PostgreSQL. */
  flag(b: boolean): number | boolean;
  /** The database's clock, as the column defaults use it. */
  now(): RawBuilder<string>;
  /**
   * The clock as this statement runs. PostgreSQL's now() is its transaction's start: a run claimed in a
   * transaction that began before the previous run of its thread finished would seem to start before that.
   */
  clock(): RawBuilder<string>;
  /**
   * The database's clock `ms` from now, as the timestamp columns store it (milliseconds, truncated: a due
   * time written now is never later than the clock a moment after, which PostgreSQL's rounding could make it).
   */
  inMs(ms: number): RawBuilder<string>;
  /** A top-level key of a JSON object column as text (null when missing). */
  jsonText(column: "metadata", key: string): RawBuilder<string | null>;
  /** `col = value` for a top-level key of a JSON object column. */
  jsonKeyEquals(column: "metadata", key: string, value: unknown): RawBuilder<boolean>;
  /** A limit and an offset, either optional (SQLite wants a LIMIT before any OFFSET). */
  page<Q extends SelectQueryBuilder<DB, any, any>>(q: Q, limit: number | undefined, offset: number | undefined): Q;
  /**
   * Locks the rows read until the transaction ends, where that is needed: PostgreSQL (READ COMMITTED) lets
   * two transactions read the same row; SQLite's `begin immediate` already serialises writers.
   */
  forUpdate<Q extends SelectQueryBuilder<DB, any, any>>(q: Q): Q;
  /** forUpdate, passing over rows another transaction holds (a queue's claim: take the next one instead). */
  forUpdateSkipLocked<Q extends SelectQueryBuilder<DB, any, any>>(q: Q): Q;
  /**
   * Serialises the transactions that take the same `key` until they end: an advisory lock on PostgreSQL
   * (its hash: a collision only makes two keys wait for each other); SQLite's writers are serial already.
   */
  lockKey(db: Kysely<DB>, key: string): Promise<void>;
  /**
   * Before a queue's claim in this transaction: walk the open runs in `seq` order and stop at the first that
   * qualifies. PostgreSQL picks that plan only when its statistics know how many runs are open; a burst queued
   * since the last ANALYZE looks like a few rows, and it reads and sorts every open run instead (2.5 ms a
   * claim with 1,000 queued, against 0.07 ms: docs/plans/scale-out.md). Off for this transaction only.
   */
  orderedScan(db: Kysely<DB>): Promise<void>;
}

export function dialect(backend: Backend): Dialect {
  const sqlite = backend === "sqlite";
  return {
    backend,
    json: <T>(v: unknown) => (sqlite ? JSON.parse(v as string) : v) as T,
    flag: (b) => (sqlite ? (b ? 1 : 0) : b),
    now: () => (sqlite ? sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` : sql<string>`now()`),
    clock: () => (sqlite ? sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` : sql<string>`clock_timestamp()`),
    inMs: (ms) =>
      sqlite
        ? sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`${(ms / 1000).toFixed(3)} seconds`})`
        : sql<string>`date_trunc('milliseconds', now() + ${ms}::double precision * interval '1 millisecond')`,
    jsonText: (column, key) => (sqlite ? sql<string | null>`json_extract(${sql.ref(column)}, ${"$." + key})` : sql<string | null>`${sql.ref(column)} ->> ${key}`),
    jsonKeyEquals: (column, key, value) =>
      sqlite
        ? sql<boolean>`json_extract(${sql.ref(column)}, ${"$." + key}) = ${typeof value === "boolean" ? Number(value) : value}`
        : sql<boolean>`${sql.ref(column)} -> ${key} = ${JSON.stringify(value)}::jsonb`,
    page: (q, limit, offset) => {
      const limited = limit !== undefined ? q.limit(limit) : offset && sqlite ? q.limit(-1) : q;
      return (offset ? limited.offset(offset) : limited) as typeof q;
    },
    forUpdate: (q) => (sqlite ? q : (q.forUpdate() as typeof q)),
    forUpdateSkipLocked: (q) => (sqlite ? q : (q.forUpdate().skipLocked() as typeof q)),
    lockKey: async (db, key) => {
      if (!sqlite) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(db);
    },
    orderedScan: async (db) => {
      if (!sqlite) await sql`select set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)`.execute(db);
    },
  };
}

/** A timestamp column as read (a Date from PostgreSQL) as the ISO text both backends give out. */
export const iso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : v);
export const isoOrNull = (v: string | Date | null): string | null => (v === null ? null : iso(v));

/** What a repository is built on: the Store's handle or one transaction's. */
export interface Ctx {
  db: Kysely<DB>;
  d: Dialect;
  /** Runs `fn` in a transaction: a new one on the Store's handle, the current one inside `Store.transaction`. */
  atomic<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
  /** Runs `fn` once what was written is committed: now, or when the current transaction commits. */
  afterCommit(fn: () => void): void;
  /** Repos.signal on this handle: sent at the current transaction's commit, or now when there is none. */
  signal(channel: SignalChannel, payload: string): Promise<void>;
}

/**
 * A query built and compiled once per store, then run with each call's values: Kysely builds and compiles a
 * query on every execution, which on the graph's hot path cost several times what SQLite takes to run it.
 * `build` must pass its arguments into the query as they are (each becomes one parameter), not compute from
 * them. Compiled per dialect adapter: a process may hold stores on both backends.
 */
export function compiledOnce<A extends unknown[], O>(build: (db: Kysely<DB>, ...args: A) => Compilable<O>) {
  type Compiled = { sql: string; query: CompiledQuery<O>["query"]; slots: number[]; fixed: readonly unknown[] };
  const byAdapter = new WeakMap<object, Compiled>();
  const compile = (db: Kysely<DB>, arity: number): Compiled => {
    const marks = Array.from({ length: arity }, (_, i) => ({ compiledOnceArgument: i }));
    const c = build(db, ...(marks as unknown as A)).compile();
    return { sql: c.sql, query: c.query, fixed: c.parameters, slots: c.parameters.map((p) => marks.indexOf(p as (typeof marks)[number])) };
  };
  return async (db: Kysely<DB>, ...args: A): Promise<O[]> => {
    const adapter = db.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (!compiled) byAdapter.set(adapter, (compiled = compile(db, args.length)));
    const parameters = compiled.slots.map((s, i) => (s >= 0 ? args[s] : compiled.fixed[i]));
    return (await db.executeQuery<O>({ sql: compiled.sql, query: compiled.query, parameters, queryId: createQueryId() })).rows;
  };
}
