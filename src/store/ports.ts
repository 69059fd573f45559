/**
 * The storage ports: what the product reads and writes, async, so one implementation serves SQLite and
 * PostgreSQL (src/store/kysely/). Each port has the methods and semantics of today's synchronous class
 * (named next to it), so callers move over by adding `await` (docs/plans/scale-out.md, "Migrating").
 * The record types are today's, imported: defined once.
 */
import type { Customer } from "../domain/customer.js";
import type { HumanAction, Interaction, MessageSource } from "../domain/interaction.js";
import type { PolicyStateStore as PolicyStateStoreOfPolicy } from "../policy/state-store.js";
import type { AuditEntry } from "./audit.js";
import type { ExperimentRecord, ExperimentStatus } from "./experiments.js";
import type { ClaimResult, Handoff, HandoffOpen } from "./handoffs.js";
import type { InboundMessage } from "./inbound.js";
import type { InteractionFilter, Kpi, KpiGroup } from "./interactions.js";
import type { DueMessage, OutboundMessage } from "./outbox.js";
import type { Ownership } from "./ownership.js";
import type { ThreadRecord } from "./threads.js";

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
}

export type PolicyUpdate = Parameters<PolicyStateStoreOfPolicy["applyOnce"]>[2];

/** As src/policy/state-store.ts, plus `binding` (today raw SQL in router/policy.ts). */
export interface PolicyStateStore extends PolicyStateStoreOfPolicy {
  /** The binding if there is one; binds nothing. */
  binding(namespace: string): Promise<{ policy: string; frozen: boolean; seq: number } | undefined>;
}

/** As HandoffStore in handoffs.ts. */
export interface HandoffStore {
  /** Idempotent: the node that opens it runs again when the graph resumes. */
  open(h: HandoffOpen): Promise<void>;
  resolve(interactionId: string, resolution: string): Promise<void>;
  get(interactionId: string): Promise<Handoff | undefined>;
  onThread(threadId: string): Promise<Handoff | undefined>;
  /** Atomic: of two agents claiming at once, one wins and the other learns who has it. */
  claim(interactionId: string, agent: string): Promise<ClaimResult>;
  pending(): Promise<Handoff[]>;
  resolved(limit?: number): Promise<Handoff[]>;
  pendingCount(): Promise<number>;
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
  enqueue(customerId: string, author: string, body: string): Promise<OutboundMessage>;
  setAddress(customerId: string, channel: string, address: string): Promise<void>;
  address(customerId: string): Promise<{ channel: string; address: string } | undefined>;
  /** Pending messages whose time has come, oldest first, each the oldest pending one of its customer. */
  due(now: Date, limit?: number): Promise<DueMessage[]>;
  /** When the next message `due` could return falls due. */
  nextDue(): Promise<Date | undefined>;
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
    limit: number;
    offset: number;
    sortBy: "created_at" | "updated_at";
    sortOrder: "asc" | "desc";
  }): Promise<{ total: number; threads: ThreadRecord[] }>;
}

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
  ping(): Promise<void>;
  close(): Promise<void>;
}
