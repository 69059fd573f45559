import { sql, type ExpressionBuilder, type Kysely, type Selectable } from "kysely";
import { redactPii } from "../../domain/pii.js";
import type { RunQueue, RunRecord } from "../ports.js";
import { iso, isoOrNull, type Ctx, type Dialect } from "./dialect.js";
import type { DB, RunsTable } from "./schema.js";

const OPEN = ["pending", "running"] as const;
/**
 * The same test as SQL text, not parameters: a query uses a partial index (runs_open, runs_open_by_thread)
 * only when its condition is written out (SQLite) or known when the plan is made (PostgreSQL's generic plans).
 */
const isOpen = (alias: "r" | "o") => sql<boolean>`${sql.ref(`${alias}.status`)} in ('pending', 'running')`;
const FINAL = ["success", "error", "interrupted", "timeout"] as const;

/** A failure as kept on the run (and shown by /v1/runs/dead): card and phone numbers masked, bounded. */
const stored = (error: string) => redactPii(error).slice(0, 1000);
const deadError = (attempts: number, last: string | null) => stored(`dead-lettered after ${attempts} attempts: ${last ?? "its lease lapsed"}`);

/** No earlier open run on the same thread: the run heads its thread's line. */
const headsItsLine = (eb: ExpressionBuilder<DB & { r: DB["runs"] }, "r">) =>
  eb.not(
    eb.exists(
      eb
        .selectFrom("runs as o")
        .select(sql`1`.as("one"))
        .whereRef("o.thread_id", "=", "r.thread_id")
        .where(isOpen("o"))
        .whereRef("o.seq", "<", "r.seq"),
    ),
  );

/** The run queue (RunQueue in ports.ts): one implementation, PostgreSQL's locks named through the dialect. */
export function runQueue({ db, d, atomic, signal }: Ctx): RunQueue {
  const byId = (trx: Kysely<DB>, runId: string) => trx.selectFrom("runs").selectAll().where("run_id", "=", runId);
  const read = async (trx: Kysely<DB>, runId: string) => {
    const row = await byId(trx, runId).executeTakeFirst();
    return row && fromRow(row, d);
  };

  const deadLetter = (trx: Kysely<DB>, row: Selectable<RunsTable>) =>
    trx
      .updateTable("runs")
      .set({ status: "error", error: deadError(row.attempts, row.error), dead_at: d.now(), finished_at: d.now(), updated_at: d.now(), worker: null, lease_until: null })
      .where("seq", "=", row.seq)
      .execute();

  return {
    async enqueue(run) {
      const result = await atomic(async (trx) => {
        // Two enqueues on one thread at once would each see no open run and both pass a `reject`: they take
        // the thread's lock in turn. An advisory lock rather than the threads row locked FOR UPDATE: a run
        // may come before its thread's row, and creating the row here would list a thread nobody made.
        await d.lockKey(trx, `runs:${run.thread_id}`);
        if (run.multitask_strategy === "reject") {
          const busy = await trx.selectFrom("runs").selectAll().where("thread_id", "=", run.thread_id).where("status", "in", OPEN).orderBy("seq").executeTakeFirst();
          if (busy) return { busy: fromRow(busy, d) };
        }
        const row = await trx
          .insertInto("runs")
          .values({
            run_id: run.run_id,
            thread_id: run.thread_id,
            assistant_id: run.assistant_id,
            status: "pending",
            multitask_strategy: run.multitask_strategy,
            kwargs: JSON.stringify(run.kwargs),
            metadata: JSON.stringify(run.metadata),
            available_at: d.inMs(0),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return { run: fromRow(row, d) };
      });
      if (result.run) await signal("runs", result.run.run_id);
      return result;
    },

    async claim(worker, leaseMs, maxAttempts, onDead) {
      const dead: RunRecord[] = [];
      const claimed = await atomic(async (trx) => {
        dead.length = 0;
        await d.orderedScan(trx);
        for (;;) {
          const candidate = await d
            .forUpdateSkipLocked(
              trx
                .selectFrom("runs as r")
                .selectAll("r")
                // Implied by the two cases below, but written out: the scan starts at the oldest open run.
                .where(isOpen("r"))
                .where((eb) =>
                  eb.or([
                    eb.and([eb("r.status", "=", "pending"), eb("r.available_at", "<=", d.now())]),
                    eb.and([eb("r.status", "=", "running"), eb("r.lease_until", "<", d.now())]),
                  ]),
                )
                .where(headsItsLine)
                .orderBy("r.seq")
                .limit(1),
            )
            .executeTakeFirst();
          if (!candidate) return undefined;
          if (candidate.attempts >= maxAttempts) {
            await deadLetter(trx, candidate);
            dead.push((await read(trx, candidate.run_id))!);
            continue;
          }
          const row = await trx
            .updateTable("runs")
            .set((eb) => ({
              status: "running",
              worker,
              lease_until: d.inMs(leaseMs),
              attempts: eb("attempts", "+", 1),
              started_at: sql<string>`coalesce(started_at, ${d.clock()})`,
              updated_at: d.now(),
            }))
            .where("seq", "=", candidate.seq)
            .returningAll()
            .executeTakeFirstOrThrow();
          return fromRow(row, d);
        }
      });
      dead.forEach((run) => onDead?.(run));
      return claimed;
    },

    async renew(runId, worker, leaseMs) {
      const row = await db
        .updateTable("runs")
        .set({ lease_until: d.inMs(leaseMs), updated_at: d.now() })
        .where("run_id", "=", runId)
        .where("worker", "=", worker)
        .where("status", "=", "running")
        .returning("cancel_reason")
        .executeTakeFirst();
      return { held: row !== undefined, cancelReason: row?.cancel_reason ?? null };
    },

    async finish(runId, worker, status, error = null) {
      const r = await db
        .updateTable("runs")
        .set({ status, error: error === null ? null : stored(error), finished_at: d.now(), updated_at: d.now(), lease_until: null })
        .where("run_id", "=", runId)
        .where("worker", "=", worker)
        .where("status", "=", "running")
        .executeTakeFirst();
      return r.numUpdatedRows === 1n;
    },

    retry(runId, worker, error, delayMs, maxAttempts) {
      return atomic(async (trx) => {
        const row = await d.forUpdate(byId(trx, runId).where("worker", "=", worker).where("status", "=", "running")).executeTakeFirst();
        if (!row) return "lost";
        if (row.attempts >= maxAttempts) {
          await deadLetter(trx, { ...row, error });
          return "dead";
        }
        await trx
          .updateTable("runs")
          .set({ status: "pending", error: stored(error), available_at: d.inMs(delayMs), worker: null, lease_until: null, updated_at: d.now() })
          .where("seq", "=", row.seq)
          .execute();
        return "retry";
      });
    },

    get: (runId) => read(db, runId),

    async list(threadId, o) {
      let q = db.selectFrom("runs").selectAll().where("thread_id", "=", threadId);
      if (o.status) q = q.where("status", "=", o.status);
      return (await d.page(q.orderBy("seq", "desc"), o.limit, o.offset).execute()).map((r) => fromRow(r, d));
    },

    async open(threadId) {
      const rows = await db.selectFrom("runs").selectAll().where("thread_id", "=", threadId).where("status", "in", OPEN).orderBy("seq").execute();
      return rows.map((r) => fromRow(r, d));
    },

    cancel(threadId, runId, reason) {
      return atomic(async (trx) => {
        const row = await d.forUpdate(byId(trx, runId).where("thread_id", "=", threadId)).executeTakeFirst();
        if (!row || !(OPEN as readonly string[]).includes(row.status)) return row && fromRow(row, d);
        await trx
          .updateTable("runs")
          .set(
            row.status === "pending"
              ? { status: "interrupted", cancel_reason: reason, finished_at: d.now(), updated_at: d.now() }
              : { cancel_reason: reason, updated_at: d.now() },
          )
          .where("seq", "=", row.seq)
          .execute();
        return read(trx, runId);
      });
    },

    async deadLetters(limit, offset) {
      const q = db.selectFrom("runs").selectAll().where("dead_at", "is not", null).orderBy("dead_at", "desc").orderBy("seq", "desc");
      return (await d.page(q, limit, offset).execute()).map((r) => fromRow(r, d));
    },

    // Every /metrics scrape and readiness probe asks: open runs and dead letters each through their partial
    // index, never a scan of every run kept.
    async stats() {
      const row = await db
        .selectFrom("runs as r")
        .where(isOpen("r"))
        .select((eb) => [
          eb.fn.sum<number>(eb.case().when("r.status", "=", "pending").then(1).else(0).end()).as("pending"),
          eb.fn.sum<number>(eb.case().when("r.status", "=", "running").then(1).else(0).end()).as("running"),
          eb.fn.min(eb.case().when("r.status", "=", "pending").then(eb.ref("r.created_at")).end()).as("oldest"),
          d.now().as("now"),
        ])
        .executeTakeFirstOrThrow();
      const dead = await db
        .selectFrom("runs")
        .where("dead_at", "is not", null)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const oldest = row.oldest as string | Date | null;
      return {
        pending: Number(row.pending ?? 0),
        running: Number(row.running ?? 0),
        dead: Number(dead.n),
        oldestPendingMs: oldest === null ? null : Math.max(0, Date.parse(iso(row.now as string | Date)) - Date.parse(iso(oldest))),
      };
    },

    prune(olderThan) {
      return atomic(async (trx) => {
        const gone = (eb: ExpressionBuilder<DB, "runs">) =>
          eb.and([eb("status", "in", FINAL), eb("dead_at", "is", null), eb("finished_at", "<", olderThan.toISOString())]);
        await trx
          .deleteFrom("run_events")
          .where("run_id", "in", trx.selectFrom("runs").select("run_id").where(gone))
          .execute();
        const r = await trx.deleteFrom("runs").where(gone).executeTakeFirst();
        return { runs: Number(r.numDeletedRows) };
      });
    },
  };
}

const fromRow = (r: Selectable<RunsTable>, d: Dialect): RunRecord => ({
  run_id: r.run_id,
  thread_id: r.thread_id,
  assistant_id: r.assistant_id,
  seq: r.seq,
  status: r.status,
  multitask_strategy: r.multitask_strategy,
  kwargs: d.json(r.kwargs),
  metadata: d.json(r.metadata),
  attempts: r.attempts,
  error: r.error,
  dead_at: isoOrNull(r.dead_at),
  cancel_reason: r.cancel_reason,
  worker: r.worker,
  lease_until: isoOrNull(r.lease_until),
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
  started_at: isoOrNull(r.started_at),
  finished_at: isoOrNull(r.finished_at),
});
