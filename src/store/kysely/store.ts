import { sql, type Kysely } from "kysely";
import type { Repos, Retention, Store } from "../ports.js";
import { auditLog } from "./audit.js";
import { customerStore } from "./customers.js";
import { dialect, type Backend, type Ctx } from "./dialect.js";
import { experimentStore } from "./experiments.js";
import { handoffStore } from "./handoffs.js";
import { inboundMessages } from "./inbound.js";
import { interactionStore } from "./interactions.js";
import { leadStore } from "./leads.js";
import { outbox } from "./outbox.js";
import { ownershipStore } from "./ownership.js";
import { sessionStore, userStore } from "./people.js";
import { policyStateStore } from "./policy-state.js";
import { runEvents } from "./run-events.js";
import { runQueue } from "./runs.js";
import type { DB } from "./schema.js";
import type { Signals } from "./signals.js";
import { threadStore } from "./threads.js";
import { ticketStore } from "./tickets.js";
import { transcriptStore } from "./transcript.js";

function repos(ctx: Ctx, outboxListeners: Set<() => void>): Repos {
  return {
    customers: customerStore(ctx),
    interactions: interactionStore(ctx),
    policyState: policyStateStore(ctx),
    handoffs: handoffStore(ctx),
    ownership: ownershipStore(ctx),
    audit: auditLog(ctx),
    outbox: outbox(ctx, outboxListeners),
    inbound: inboundMessages(ctx),
    experiments: experimentStore(ctx),
    threads: threadStore(ctx),
    runs: runQueue(ctx),
    runEvents: runEvents(ctx),
    tickets: ticketStore(ctx),
    transcript: transcriptStore(ctx),
    leads: leadStore(ctx),
    users: userStore(ctx),
    sessions: sessionStore(ctx),
    signal: ctx.signal,
  };
}

/** The Store over a Kysely handle, the same queries on either backend. */
export function kyselyStore(db: Kysely<DB>, backend: Backend, pruneCheckpoints: Retention["pruneCheckpoints"], signals: Signals): Store {
  const d = dialect(backend);
  const listeners = new Set<() => void>();
  const now = (fn: () => void) => fn();
  const root = repos({ db, d, atomic: (fn) => db.transaction().execute(fn), afterCommit: now, signal: (c, p) => signals.send(db, now, c, p) }, listeners);
  return {
    backend,
    ...root,
    async transaction(fn) {
      const committed: Array<() => void> = [];
      const afterCommit = (f: () => void) => void committed.push(f);
      const result = await db
        .transaction()
        .execute((trx) => fn(repos({ db: trx, d, atomic: (f) => f(trx), afterCommit, signal: (c, p) => signals.send(trx, afterCommit, c, p) }, listeners)));
      committed.forEach((f) => f());
      return result;
    },
    pruneCheckpoints,
    async pruneOutbound(olderThan) {
      const r = await db.deleteFrom("outbound_messages").where("status", "<>", "pending").where("created_at", "<", olderThan.toISOString()).executeTakeFirst();
      return { messages: Number(r.numDeletedRows) };
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    listen: (channel, listener, onGap) => signals.listen(channel, listener, onGap),
    async close() {
      await signals.close();
      await db.destroy();
    },
  };
}
