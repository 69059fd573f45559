// src/store/ports.ts — async ports, named in the domain. Placeholders stand for today's types.
type Customer = { customer_id: string };            // src/domain/customer.ts
type Interaction = { interaction_id: string };      // src/domain/interaction.ts
type HumanAction = string; type MessageSource = string;
type InteractionFilter = Record<string, unknown>; type Kpi = Record<string, unknown>; type KpiGroup = string;
type HandoffOpen = { interaction_id: string }; type Handoff = HandoffOpen & { status: string };
type ClaimResult = "claimed" | "already_yours" | "taken" | "resolved" | "missing";
type Ownership = { owner: "bot" | "human"; agent: string | null };
type AuditEntry = Record<string, unknown>;
type ExperimentRecord = { id: string; status: string };
type PolicyClaim = { interactionId: string; contextKey: string; template: string; reward: number };
type Json = Record<string, unknown>;

export interface CustomerStore {
  upsertMany(customers: readonly Customer[]): Promise<number>;
  get(id: string): Promise<Customer | undefined>;
  list(o?: { limit?: number; offset?: number; segment?: string }): Promise<Customer[]>;
  count(o?: { segment?: string }): Promise<number>;
}
export interface InteractionStore {
  upsert(i: Interaction): Promise<void>;
  get(id: string): Promise<Interaction | undefined>;
  recordHumanAction(id: string, action: HumanAction, message: string | null, source: MessageSource): Promise<void>;
  list(f?: InteractionFilter): Promise<Interaction[]>;
  kpis(by: KpiGroup, f?: InteractionFilter): Promise<Kpi[]>;
}
/** Async twin of src/policy/state-store.ts; applyOnce is one transaction (claim, reload-if-stale, save, bump seq). */
export interface PolicyStateStore {
  bind(namespace: string, policy: string): Promise<{ policy: string; frozen: boolean; seq: number }>;
  isFrozen(namespace: string): Promise<boolean>;
  loadRows(namespace: string): Promise<Map<string, unknown>>;
  applyOnce(namespace: string, claim: PolicyClaim, update: { seenSeq: number; reload(rows: Map<string, unknown>): void; apply(): Map<string, unknown> }):
    Promise<{ applied: true; seq: number } | { applied: false; earlier: PolicyClaim & { namespace: string } }>;
  reset(namespace: string): Promise<void>;
  setFrozen(namespace: string, frozen: boolean): Promise<void>;
  binding(namespace: string): Promise<{ policy: string; frozen: boolean } | undefined>; // today: raw SQL in router/policy.ts
}
export interface HandoffStore {
  open(h: HandoffOpen): Promise<void>;
  resolve(interactionId: string, resolution: string): Promise<void>;
  get(interactionId: string): Promise<Handoff | undefined>;
  onThread(threadId: string): Promise<Handoff | undefined>;
  claim(interactionId: string, agent: string): Promise<ClaimResult>;
  pending(): Promise<Handoff[]>;
  resolved(limit?: number): Promise<Handoff[]>;
  pendingCount(): Promise<number>;
}
export interface OwnershipStore {
  get(customerId: string): Promise<Ownership>;
  escalate(customerId: string): Promise<void>;
  takeOver(customerId: string, agent: string): Promise<void>;
  handBack(customerId: string): Promise<void>;
}
export interface AuditLog {
  record(actor: string, action: string, subject: string, detail?: Json): Promise<void>;
  list(subject?: string, limit?: number): Promise<AuditEntry[]>;
}
export interface OutboundMessage { id: number; key: string; customer_id: string; status: string; attempts: number }
/** Exactly-once sends: `key` is unique (run id + step, or a person's request id); a replayed enqueue returns the first row. */
export interface Outbox {
  enqueue(m: { key: string; customerId: string; author: string; body: string }): Promise<{ message: OutboundMessage; created: boolean }>;
  setAddress(customerId: string, channel: string, address: string): Promise<void>;
  due(now: Date, limit?: number): Promise<Array<OutboundMessage & { channel: string; address: string }>>;
  nextDue(): Promise<Date | undefined>;
  lease(id: number, attempts: number, until: Date): Promise<boolean>;
  sent(id: number, providerId: string | null): Promise<void>;
  retryAt(id: number, error: string, at: Date): Promise<void>;
  failed(id: number, error: string): Promise<void>;
  get(id: number): Promise<OutboundMessage | undefined>;
  recent(customerId: string, limit?: number): Promise<OutboundMessage[]>;
  countByStatus(): Promise<Record<string, number>>;
}
export interface InboundMessage { message_sid: string; customer_id: string; thread_id: string | null; status: "received" | "answered" | "human" | "failed"; reply: string | null }
export interface InboundMessages {
  /** undefined when new (recorded, body redacted); the earlier record when the sid was seen. */
  claim(sid: string, customerId: string, threadId: string, body: string): Promise<InboundMessage | undefined>;
  finish(sid: string, status: InboundMessage["status"], reply: string | null): Promise<void>;
  get(sid: string): Promise<InboundMessage | undefined>;
  recent(customerId: string, limit?: number): Promise<Array<{ message_sid: string; body: string | null; status: string; received_at: string }>>;
  lastReceivedAt(customerId: string): Promise<Date | undefined>;
}
export interface ExperimentStore {
  create(id: string, params: Json): Promise<void>;
  finish(id: string, status: "done" | "failed" | "cancelled", summary: Json): Promise<void>;
  get(id: string): Promise<ExperimentRecord | undefined>;
  list(limit?: number): Promise<ExperimentRecord[]>;
  failInterrupted(): Promise<number>;
}
export type ThreadStatus = "idle" | "busy" | "interrupted" | "error";
export interface ThreadRecord { thread_id: string; status: ThreadStatus; metadata: Json; values: Json | null; created_at: string; updated_at: string }
export interface ThreadStore {
  get(id: string): Promise<ThreadRecord | undefined>;
  upsert(id: string, kind: "put" | "patch", metadata?: Json): Promise<ThreadRecord>;
  setStatus(id: string, status: ThreadStatus, values?: Json | null): Promise<void>;
  delete(id: string): Promise<void>; // rows only; checkpoints through checkpointer.deleteThread
  search(o: { metadata?: Json; status?: ThreadStatus; ids?: string[]; limit: number; offset: number; sortBy: "created_at" | "updated_at"; sortOrder: "asc" | "desc" }):
    Promise<{ total: number; threads: ThreadRecord[] }>;
}
export type RunStatus = "pending" | "running" | "success" | "error" | "timeout" | "interrupted";
export interface RunRecord { run_id: string; thread_id: string; assistant_id: string; status: RunStatus; multitask_strategy: "reject" | "enqueue"; kwargs: Json; metadata: Json; attempts: number; error: string | null; created_at: string; updated_at: string }
/** The durable run queue: our own tables on both backends (see the plan: why not pg-boss's policies). */
export interface RunQueue {
  /** In the caller's transaction: the run row (pending) and a wake-up. "reject" refuses a busy thread (→ 409). */
  enqueue(run: Omit<RunRecord, "status" | "attempts" | "error" | "created_at" | "updated_at">): Promise<{ run: RunRecord } | { busy: true }>;
  /** Leases one thread with open runs that nobody holds (SKIP LOCKED on PG, `begin immediate` on SQLite). */
  claimThread(worker: string, leaseMs: number): Promise<string | undefined>;
  renew(threadId: string, worker: string, leaseMs: number): Promise<boolean>;
  /** The thread's oldest open run, marked running with attempts+1. */
  next(threadId: string, worker: string): Promise<RunRecord | undefined>;
  finish(runId: string, worker: string, status: Exclude<RunStatus, "pending" | "running">, error?: string): Promise<boolean>; // false: lease lost
  /** Gives the thread back only when it has no open run (locks the thread row first: no lost wake-up). */
  release(threadId: string, worker: string): Promise<boolean>;
  get(runId: string): Promise<RunRecord | undefined>;
  list(threadId: string, o: { limit: number; offset: number; status?: RunStatus }): Promise<RunRecord[]>;
  cancel(threadId: string, runId: string): Promise<RunRecord | undefined>;
  deadLetters(limit?: number): Promise<RunRecord[]>;
  depth(): Promise<{ pending: number; running: number; dead: number }>;
  /** Resolves when a run may be ready (NOTIFY on PG, in-process emitter on SQLite) or after `ms`. */
  wait(ms: number): Promise<void>;
}
/** Stream chunks of runs, for joinStream from any replica. */
export interface RunEvents {
  append(runId: string, event: string, data: unknown): Promise<number>; // seq; NOTIFY carries `${runId}:${seq}`
  after(runId: string, seq: number, limit?: number): Promise<Array<{ seq: number; event: string; data: unknown }>>;
  subscribe(runId: string, onSeq: (seq: number) => void): Promise<() => Promise<void>>;
}

/** The repositories bound to one executor: the Store itself, or a transaction. */
export interface Repos {
  customers: CustomerStore; interactions: InteractionStore; policyState: PolicyStateStore; handoffs: HandoffStore;
  ownership: OwnershipStore; audit: AuditLog; outbox: Outbox; inbound: InboundMessages; experiments: ExperimentStore;
  threads: ThreadStore; runs: RunQueue; runEvents: RunEvents;
}
export interface Store extends Repos {
  readonly backend: "sqlite" | "postgres";
  /** fn gets repos bound to the transaction; using the outer Store inside fn deadlocks on SQLite (proved). */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
