/**
 * The storage ports: what the product reads and writes, async, so one implementation serves SQLite and
 * PostgreSQL (src/store/kysely/). Each port has the methods and semantics of today's synchronous class
 * (named next to it), so callers move over by adding `await` (docs/plans/scale-out.md, "Migrating").
 * The record types are today's, imported: defined once.
 */
import type { Customer } from "../domain/customer.js";
import type { Lead, LeadKind, LeadNew, LeadStatus } from "../domain/lead.js";
import type { TranscriptLine, TranscriptLineNew } from "../domain/transcript.js";
import type { Role, SessionUser, User } from "../domain/user.js";
import type { Ticket, TicketAdvance, TicketNoteInput, TicketOpen, TicketStatus } from "../domain/ticket.js";
import type { HumanAction, Interaction, MessageSource } from "../domain/interaction.js";
import type { PolicyStateStore as PolicyStateStoreOfPolicy } from "../policy/state-store.js";
import type { AuditEntry } from "./audit.js";
import type { ExperimentRecord, ExperimentStatus } from "./experiments.js";
import type { ClaimResult, Handoff, HandoffOpen, InboxFilter, InboxPage, ReassignResult, ReleaseResult } from "./handoffs.js";
import type { InboundMessage } from "./inbound.js";
import type { InteractionFilter, Kpi, KpiGroup } from "./interactions.js";
import type { DueMessage, OutboundMessage } from "./outbox.js";
import type { Ownership } from "./ownership.js";
import type { ThreadRecord, ThreadStatus } from "./threads.js";

type Json = Record<string, unknown>;

/** As CustomerStore in customers.ts. */
export interface CustomerStore {
  /** All or nothing: every record is parsed before the first is written. */
  upsertMany(customers: readonly Customer[]): Promise<number>;
  get(id: string): Promise<Customer | undefined>;
  list(o?: { limit?: number; offset?: number; segment?: string }): Promise<Customer[]>;
  count(o?: { segment?: string }): Promise<number>;
}

/** As InteractionStore in interactions.ts. */
export interface InteractionStore {
  /** Idempotent: replaying an interaction rewrites the same row. */
  upsert(i: Interaction): Promise<void>;
  get(id: string): Promise<Interaction | undefined>;
  recordHumanAction(id: string, action: HumanAction, message: string | null, source: MessageSource): Promise<void>;
  list(f?: InteractionFilter): Promise<Interaction[]>;
  kpis(by: KpiGroup, f?: Pick<InteractionFilter, "experiment_id" | "policy_namespace" | "since">): Promise<Kpi[]>;
  /**
   * When the customer's last care outreach was logged: a contact we started, which said something, outside
   * any experiment, on a thread no inbound message started (a contact answering the customer is no outreach).
   */
  lastOutreach(customerId: string): Promise<Date | undefined>;
}

export type PolicyUpdate = Parameters<PolicyStateStoreOfPolicy["applyOnce"]>[2];

/** As src/policy/state-store.ts, plus `binding` (today raw SQL in router/policy.ts). */
export interface PolicyStateStore extends PolicyStateStoreOfPolicy {
  /** The binding if there is one; binds nothing. */
  binding(namespace: string): Promise<{ policy: string; frozen: boolean; seq: number } | undefined>;
}

/**
 * As HandoffStore in handoffs.ts. Every change to a people's hand-off (not a simulated customer's: `experiment_id`
 * set) signals `handoffs` with a HandoffChange once committed; an open or a claim that changes nothing signals nothing.
 */
export interface HandoffStore {
  /** Idempotent: the node that opens it runs again when the graph resumes. */
  open(h: HandoffOpen): Promise<void>;
  resolve(interactionId: string, resolution: string): Promise<void>;
  get(interactionId: string): Promise<Handoff | undefined>;
  onThread(threadId: string): Promise<Handoff | undefined>;
  /** Atomic: of two agents claiming at once, one wins and the other learns who has it. */
  claim(interactionId: string, agent: string): Promise<ClaimResult>;
  pending(): Promise<Handoff[]>;
  /** Every hand-off, people's and simulated, opened on one of these threads. */
  onThreads(threadIds: readonly string[]): Promise<Handoff[]>;
  resolved(limit?: number): Promise<Handoff[]>;
  pendingCount(): Promise<number>;
  /**
   * The people's queue as the inbox pages it: pending, real customers only, highest priority first, then
   * oldest (then by id, so the order is total). Keyset pages: `after` is the `next` of the page before; a
   * cursor that does not parse starts from the top.
   */
  inbox(filter: InboxFilter, page: { limit: number; after?: string | null }): Promise<InboxPage>;
  /**
   * Claims for `agent` the first unclaimed hand-off of the inbox's order that the filter matches, atomically:
   * two agents taking the next one at once get two different hand-offs. Undefined when none is left.
   */
  next(agent: string, filter?: Omit<InboxFilter, "claimed" | "agent">): Promise<Handoff | undefined>;
  /** Gives up `agent`'s claim: the hand-off is unclaimed again, for anyone. Only its claimant releases it. */
  release(interactionId: string, agent: string): Promise<ReleaseResult>;
  /** Passes `from`'s claim to `to` in one step (nobody else can take it in between). */
  reassign(interactionId: string, from: string, to: string): Promise<ReassignResult>;
}

/** As OwnershipStore in ownership.ts. */
export interface OwnershipStore {
  get(customerId: string): Promise<Ownership>;
  /** Never undoes a claim. */
  escalate(customerId: string): Promise<void>;
  takeOver(customerId: string, agent: string): Promise<void>;
  handBack(customerId: string): Promise<void>;
}

/** As AuditLog in audit.ts. */
export interface AuditLog {
  record(actor: string, action: string, subject: string, detail?: Json): Promise<void>;
  /** A subject's entries oldest first; without a subject, the latest first. */
  list(subject?: string, limit?: number): Promise<AuditEntry[]>;
}

/** As OutboxStore and ChannelAddressStore in outbox.ts. */
export interface Outbox {
  /** Called after each enqueue is committed (after the transaction, inside one): a sender learns there is work. */
  onEnqueue(listener: () => void): () => void;
  /**
   * Idempotent on `key` (one per message, e.g. `<run_id>:reply`): a run executed twice after a redelivery
   * queues its message once; the replay returns the first row with `created: false`.
   */
  enqueue(m: { key: string; customerId: string; author: string; body: string }): Promise<{ message: OutboundMessage; created: boolean }>;
  setAddress(customerId: string, channel: string, address: string): Promise<void>;
  address(customerId: string): Promise<{ channel: string; address: string } | undefined>;
  /**
   * Pending messages whose time has come, oldest first, each the oldest pending one of its customer; only to
   * addresses on `channels` when given (a sender takes what it can send, and leaves the rest to another).
   */
  due(now: Date, limit?: number, channels?: readonly string[]): Promise<DueMessage[]>;
  /** When the next message `due` could return (on `channels`, when given) falls due. */
  nextDue(channels?: readonly string[]): Promise<Date | undefined>;
  /** Compare-and-set on the due time read: of two senders, one gets the attempt. */
  lease(m: OutboundMessage, until: Date): Promise<boolean>;
  sent(id: number, providerId: string | null): Promise<void>;
  retryAt(id: number, error: string, at: Date): Promise<void>;
  failed(id: number, error: string): Promise<void>;
  get(id: number): Promise<OutboundMessage | undefined>;
  recent(customerId: string, limit?: number): Promise<OutboundMessage[]>;
  countByStatus(): Promise<Record<string, number>>;
  pendingCount(): Promise<number>;
}

/** As InboundStore in inbound.ts. */
export interface InboundMessages {
  /** undefined when new (recorded, card and phone numbers masked); the earlier record when the sid was seen. */
  claim(sid: string, customerId: string, threadId: string, body: string): Promise<InboundMessage | undefined>;
  finish(sid: string, status: InboundMessage["status"], reply: string | null): Promise<void>;
  get(sid: string): Promise<InboundMessage | undefined>;
  recent(customerId: string, limit?: number): Promise<Array<{ message_sid: string; body: string | null; status: string; received_at: string }>>;
  lastReceivedAt(customerId: string): Promise<Date | undefined>;
}

/** As ExperimentStore in experiments.ts. */
export interface ExperimentStore {
  create(id: string, params: Json): Promise<void>;
  finish(id: string, status: Exclude<ExperimentStatus, "running">, summary: Json): Promise<void>;
  get(id: string): Promise<ExperimentRecord | undefined>;
  list(limit?: number): Promise<ExperimentRecord[]>;
  /** Experiments a previous process left running: failed, how many. */
  failInterrupted(): Promise<number>;
}

/** As ThreadStore in threads.ts, except that `delete` removes our row only: checkpoints go through the checkpointer. */
export interface ThreadStore {
  get(id: string): Promise<ThreadRecord | undefined>;
  /** put replaces the metadata, patch merges into it; both create the thread if missing. */
  upsert(id: string, kind: "put" | "patch", metadata?: Json): Promise<ThreadRecord>;
  delete(id: string): Promise<void>;
  /** Metadata filter by equality on top-level keys (a key no thread can have matches nothing). */
  search(o: {
    metadata?: Json;
    /** The SDK's thread status (see ThreadRecord.status). */
    status?: ThreadStatus;
    ids?: readonly string[];
    limit: number;
    offset: number;
    sortBy: "created_at" | "updated_at";
    sortOrder: "asc" | "desc";
  }): Promise<{ total: number; threads: ThreadRecord[] }>;
}

/**
 * The support desk's tickets. Writes that a run makes take the run's key (e.g. `<run_id>:ticket`): a run
 * executed twice after a redelivery writes once, and the replay gets the first row with `created: false`.
 * Text (summary, notes, resolution) is masked (redactPii) before it is stored.
 */
export interface TicketStore {
  /** Idempotent on `key` (a unique constraint, so two concurrent opens with one key make one ticket). The folio is new for each key. */
  open(t: TicketOpen, key: string): Promise<{ ticket: Ticket; created: boolean }>;
  /** Any spelling a customer types ("kv-000123"); undefined when there is no such ticket. */
  get(folio: string): Promise<Ticket | undefined>;
  /** A customer's tickets, newest first. */
  byCustomer(customerId: string, o?: { status?: TicketStatus }): Promise<Ticket[]>;
  /** Idempotent on `key`; undefined when there is no such ticket. Notes are kept in the order they were added. */
  addNote(folio: string, note: TicketNoteInput, key: string): Promise<{ ticket: Ticket; created: boolean } | undefined>;
  /** Closing a closed ticket keeps its first resolution. Undefined when there is no such ticket. */
  close(folio: string, resolution: string): Promise<Ticket | undefined>;
  /** For the console: newest first. */
  list(o: { status?: TicketStatus; limit: number; offset?: number }): Promise<Ticket[]>;
  /** How many `list` would page through. */
  count(o?: { status?: TicketStatus }): Promise<number>;
  /**
   * Moves a ticket forward only (open → in_progress → closed; closing keeps the resolution, masked). A ticket
   * already there or past it stays as it is, `changed: false`: of two agents closing it at once, one closes it
   * and the other gets the first resolution back. Undefined when there is no such ticket.
   */
  advance(folio: string, to: TicketAdvance): Promise<{ ticket: Ticket; changed: boolean } | undefined>;
}

/** Leads for the sales team (test drives, offers for a customer's car, trade-ins, reservations). */
export interface LeadStore {
  /** Idempotent on `key`, as TicketStore.open. */
  create(l: LeadNew, key: string): Promise<{ lead: Lead; created: boolean }>;
  get(id: number): Promise<Lead | undefined>;
  /** A customer's leads, newest first. */
  byCustomer(customerId: string): Promise<Lead[]>;
  /** For the console: newest first. */
  list(o: { kind?: LeadKind; status?: LeadStatus; limit: number; offset?: number }): Promise<Lead[]>;
  /** Undefined when there is no such lead. */
  setStatus(id: number, status: LeadStatus): Promise<Lead | undefined>;
  /** How many `list` would page through. */
  count(o?: { kind?: LeadKind; status?: LeadStatus }): Promise<number>;
  /**
   * Moves a lead forward only (new → contacted → closed): a lead already there or past it stays as it is,
   * `changed: false`, so two agents at once never move it back. Undefined when there is no such lead.
   */
  advance(id: number, to: LeadStatus): Promise<{ lead: Lead; changed: boolean } | undefined>;
}

/** The console's people (src/domain/user.ts). Passwords arrive hashed: the store never sees one in clear. */
export interface UserStore {
  /** undefined when the name is taken (nothing changes). */
  add(u: { name: string; role: Role; password_hash: string }): Promise<User | undefined>;
  /** For signing in only: the one read that returns the hash. */
  withPassword(name: string): Promise<{ user: User; password_hash: string } | undefined>;
  get(id: number): Promise<User | undefined>;
  byName(name: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  /** Ends the user's sessions too. false when there is no such user. */
  setPassword(name: string, password_hash: string): Promise<boolean>;
  /** A disabled user's sessions stop working at once. false when there is no such user. */
  setDisabled(name: string, disabled: boolean): Promise<boolean>;
}

/** Signed-in sessions, found by the SHA-256 of the cookie's token. */
export interface SessionStore {
  create(s: { token_hash: string; user_id: number; csrf: string; expires_at: Date }): Promise<void>;
  /** undefined when unknown, expired, or its user is disabled. */
  get(token_hash: string, now: Date): Promise<{ user: SessionUser; csrf: string; expires_at: string } | undefined>;
  delete(token_hash: string): Promise<void>;
  deleteExpired(now: Date): Promise<number>;
}

/** What the SDK calls a run's status. `pending` waits in its thread's line; the last four are final. */
export const RUN_STATUSES = ["pending", "running", "success", "error", "interrupted", "timeout"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type FinalRunStatus = Exclude<RunStatus, "pending" | "running">;
export type MultitaskStrategy = "reject" | "enqueue" | "interrupt" | "rollback";

/** One run in the queue: a graph run on a thread (a contact, a channel message, a person's resume). */
export interface RunRecord {
  run_id: string;
  thread_id: string;
  assistant_id: string;
  /** Arrival order, over the whole queue: a thread's runs start in this order. */
  seq: number;
  status: RunStatus;
  multitask_strategy: MultitaskStrategy;
  /** What the executor needs: input or command, context, stream modes, who resumes, the request id. */
  kwargs: Json;
  metadata: Json;
  /** Times the run was taken by a worker (a run whose worker died is taken again). */
  attempts: number;
  /** The last failure (masked), kept on a retried or dead-lettered run. */
  error: string | null;
  /** Set once a run exhausted its attempts: it is not taken again, and /v1/runs/dead lists it. */
  dead_at: string | null;
  /** A cancel asked for while it ran: the worker's next renewal sees it and stops the run. */
  cancel_reason: string | null;
  /** The worker holding it, and until when (the database's clock). */
  worker: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface NewRun {
  run_id: string;
  thread_id: string;
  assistant_id: string;
  multitask_strategy: MultitaskStrategy;
  kwargs: Json;
  metadata: Json;
}

/**
 * The durable run queue (both backends): runs of one thread start one at a time, in arrival order; a worker
 * leases the run it takes and renews the lease; a run whose lease lapsed (its worker died) is taken again;
 * after `maxAttempts` takes it is dead-lettered. Every lease-holder's write is fenced on its lease.
 */
export interface RunQueue {
  /**
   * Queues a run (call it in the transaction that stores what the run answers, e.g. the inbound message).
   * With `reject`, a thread that has an open run (pending or running) gets none: `{ busy }` names that run.
   * Wakes the workers (`runs` signal) once committed.
   */
  enqueue(run: NewRun): Promise<{ run: RunRecord } | { busy: RunRecord }>;
  /**
   * The oldest run that heads its thread's line (no earlier open run on the thread) and is either pending
   * and due, or running with a lapsed lease: leased to `worker` for `leaseMs`, `running`, attempts + 1. A
   * run that would exceed `maxAttempts` is dead-lettered instead (status `error`, `dead_at` set) and the
   * search goes on; `onDead` hears of each one after the claim's transaction (its thread and its inbound message
   * are the caller's to close). Two workers never get the same run, nor two runs of one thread.
   */
  claim(worker: string, leaseMs: number, maxAttempts: number, onDead?: (run: RunRecord) => void): Promise<RunRecord | undefined>;
  /** Extends the lease while `worker` still holds it. `held: false`: lost (lapsed and taken, or finished). */
  renew(runId: string, worker: string, leaseMs: number): Promise<{ held: boolean; cancelReason: string | null }>;
  /** A final status, fenced: false if `worker` no longer holds the run (another took it; its result wins). */
  finish(runId: string, worker: string, status: FinalRunStatus, error?: string | null): Promise<boolean>;
  /**
   * A failed attempt: back to pending, due again after `delayMs`, its error kept; dead-lettered instead when
   * `attempts >= maxAttempts`. Fenced like finish. Answers what became of it.
   */
  retry(runId: string, worker: string, error: string, delayMs: number, maxAttempts: number): Promise<"retry" | "dead" | "lost">;
  get(runId: string): Promise<RunRecord | undefined>;
  /** A thread's runs, newest first. */
  list(threadId: string, o: { limit: number; offset: number; status?: RunStatus }): Promise<RunRecord[]>;
  /** Open runs of a thread (pending or running), oldest first. */
  open(threadId: string): Promise<RunRecord[]>;
  /**
   * A pending run is ended at once (`interrupted`, the reason kept); a running one gets `cancel_reason` and
   * its worker stops it. Undefined when there is no such run on the thread; a finished run is returned as is.
   */
  cancel(threadId: string, runId: string, reason: string): Promise<RunRecord | undefined>;
  /** Dead-lettered runs, newest first. */
  deadLetters(limit: number, offset?: number): Promise<RunRecord[]>;
  /** For /metrics and readiness: runs by status (dead letters apart), and the oldest pending run's age. */
  stats(): Promise<{ pending: number; running: number; dead: number; oldestPendingMs: number | null }>;
  /** Deletes finished runs (not dead letters) older than `olderThan`; their events go with them. */
  prune(olderThan: Date): Promise<{ runs: number }>;
}

/** One chunk of a run's stream, kept so a client of any replica can join it and resume with Last-Event-ID. */
export interface RunEvent {
  seq: number;
  event: string;
  data: unknown;
}

/**
 * Every line of every conversation of the conversation graph, whatever its channel: the customer's messages,
 * the bot's replies and people's answers, in the order written. Each line carries the key of what wrote it, so
 * a run executed again adds none twice.
 */
export interface Transcript {
  /**
   * Adds the lines in order; a line whose key is there already is skipped. Signals `transcript` (a
   * TranscriptChange) once committed, per thread that gained a line.
   */
  append(lines: ReadonlyArray<{ key: string; line: TranscriptLineNew }>): Promise<void>;
  /** A thread's lines, oldest first: `limit` from after `afterId`, or with `latest` its last `latest` lines. */
  thread(threadId: string, o?: { afterId?: number; limit?: number; latest?: number }): Promise<TranscriptLine[]>;
  /** A customer's latest lines across threads and channels, newest first. */
  customer(customerId: string, limit?: number): Promise<TranscriptLine[]>;
  /** Every line of the `limit` threads written to last (for the console's KPIs), each thread's oldest first. */
  recentThreads(limit: number): Promise<TranscriptLine[]>;
}

/** A worker wrote to a run it no longer holds (its lease lapsed and another worker took it, or it ended). */
export class RunLostError extends Error {
  override readonly name = "RunLostError";
}

export interface RunEvents {
  /**
   * Appends in order (seq 1, 2, …) and signals `run_events` with `<run_id>:<last seq>` once committed. With
   * `heldBy`, only while that worker holds the run (running, its lease): otherwise nothing is written and it
   * throws RunLostError, so a worker that lost its run to another cannot interleave its events with theirs.
   */
  append(runId: string, events: ReadonlyArray<{ event: string; data: unknown }>, heldBy?: string): Promise<number>;
  /** The events after `seq`, in order. */
  after(runId: string, seq: number, limit?: number): Promise<RunEvent[]>;
  /** The run's last event named `event` (a joiner's `end`), without reading the stream before it. */
  last(runId: string, event: string): Promise<RunEvent | undefined>;
}

/**
 * Channels processes wake each other on: a run was queued; a run's stream has new events; an outbound message was
 * queued; a people's hand-off changed (`HandoffChange` as JSON, domain/changes.ts); a thread's transcript grew
 * (`TranscriptChange` as JSON). The last two are sent by the repositories that write them, so every caller's write
 * is heard by the console's live updates.
 */
export type SignalChannel = "runs" | "run_events" | "outbox" | "handoffs" | "transcript";

/** The repositories bound to one executor: the Store itself, or one transaction. */
export interface Repos {
  customers: CustomerStore;
  interactions: InteractionStore;
  policyState: PolicyStateStore;
  handoffs: HandoffStore;
  ownership: OwnershipStore;
  audit: AuditLog;
  outbox: Outbox;
  inbound: InboundMessages;
  experiments: ExperimentStore;
  threads: ThreadStore;
  runs: RunQueue;
  runEvents: RunEvents;
  tickets: TicketStore;
  leads: LeadStore;
  transcript: Transcript;
  users: UserStore;
  sessions: SessionStore;
  /**
   * Wakes listeners once what was written is committed (now outside a transaction): on PostgreSQL every
   * process on the database (NOTIFY, payload under 8,000 bytes); on SQLite this process only (others poll).
   */
  signal(channel: SignalChannel, payload: string): Promise<void>;
}

/** Deleting what is no longer needed (`care-graph prune`). */
export interface Retention {
  /** Checkpoints of finished contacts older than `olderThan` but their last; nothing of a pending hand-off. */
  pruneCheckpoints(olderThan: Date): Promise<{ threads: number; checkpoints: number; writes: number }>;
  /** A person's messages once delivered or given up; pending ones are never touched. */
  pruneOutbound(olderThan: Date): Promise<{ messages: number }>;
}

export interface Store extends Repos, Retention {
  readonly backend: "sqlite" | "postgres";
  /**
   * Runs `fn` in one transaction; a throw rolls back everything it wrote. `fn` must use only the `tx` it is
   * given: the outer Store inside it waits forever on SQLite (one connection) and runs outside the
   * transaction on PostgreSQL. Keep model and network calls out: on SQLite every other query waits.
   */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` on each signal of `channel` (see Repos.signal); the answer unsubscribes. `onGap`: signals
   * may have been missed (PostgreSQL's listening connection broke and is listening again); never on SQLite.
   */
  listen(channel: SignalChannel, listener: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
