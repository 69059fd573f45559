import type { ColumnType, Generated } from "kysely";
import type { MultitaskStrategy, RunStatus } from "../ports.js";

/**
 * Our tables as Kysely sees them, on both backends: SQLite's (src/store/migrations.ts) and PostgreSQL's
 * (src/store/postgres/migrations.ts). Where the two return different JavaScript types, the column admits
 * both and the reads go through the helpers of dialect.ts.
 */

/** ISO text on SQLite, timestamptz (a Date when read) on PostgreSQL; written as ISO text. */
type Timestamp = ColumnType<string | Date, string | undefined, string>;
type NullableTimestamp = ColumnType<string | Date | null, string | null | undefined, string | null>;
/** text on SQLite, jsonb on PostgreSQL; written as JSON text. */
type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null | undefined, string | null>;
/** 0/1 on SQLite, boolean on PostgreSQL. */
type Flag = ColumnType<number | boolean, number | boolean | undefined, number | boolean>;

export interface CustomersTable {
  customer_id: string;
  segment: string;
  is_vocal: Flag;
  last_purchase_days: number;
  price: number;
  issues_flag: number;
  past_nps: number;
  first_message: string;
  channel_pref: string;
  churn_risk_est: number;
  issue_bucket: string;
  mini_story: string;
  created_at: Timestamp;
}

export interface InteractionsTable {
  interaction_id: string;
  thread_id: string | null;
  experiment_id: string | null;
  iteration: number | null;
  policy_namespace: string;
  policy: string;
  customer_id: string;
  segment: string;
  issue_bucket: string;
  context_key: string;
  mode: string | null;
  route: string;
  template: string | null;
  propensity: number | null;
  message: string | null;
  message_source: string;
  safety_verdict: string | null;
  safety_rules: Json;
  escalation_reason: string | null;
  human_action: string | null;
  nps_expected: number | null;
  engagement_prob: number | null;
  churn_prob: number | null;
  aspect_sentiment: NullableJson;
  rationale: string | null;
  reward: number | null;
  status: string;
  learned: Flag;
  request_id: string | null;
  features: NullableJson;
  created_at: Timestamp;
}

export interface PolicyStateTable {
  namespace: string;
  key: string;
  value: Json;
}

export interface PoliciesTable {
  namespace: string;
  policy: string;
  frozen: Flag;
  seq: Generated<number>;
  created_at: Timestamp;
}

export interface PolicyUpdatesTable {
  interaction_id: string;
  namespace: string;
  context_key: string;
  template: string;
  reward: number;
  applied_at: Timestamp;
}

export interface HandoffsTable {
  interaction_id: string;
  thread_id: string | null;
  customer_id: string;
  reason: string;
  priority: number;
  draft: string | null;
  status: Generated<"pending" | "resolved">;
  resolution: string | null;
  claimed_by: string | null;
  claimed_at: NullableTimestamp;
  experiment_id: string | null;
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
}

export interface ExperimentsTable {
  experiment_id: string;
  params: Json;
  status: string;
  summary: NullableJson;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
}

export interface ThreadsTable {
  thread_id: string;
  metadata: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConversationOwnersTable {
  customer_id: string;
  owner: "bot" | "human";
  agent: string | null;
  since: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  subject: string;
  detail: Json;
}

export interface InboundMessagesTable {
  message_sid: string;
  customer_id: string;
  thread_id: string | null;
  status: "received" | "answered" | "human" | "failed";
  reply: string | null;
  body: string | null;
  received_at: Timestamp;
}

export interface ChannelAddressesTable {
  customer_id: string;
  channel: string;
  address: string;
  updated_at: Timestamp;
}

export interface OutboundMessagesTable {
  id: Generated<number>;
  key: string;
  customer_id: string;
  author: string;
  body: string;
  status: "pending" | "sent" | "failed";
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  provider_id: string | null;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

export interface RunsTable {
  seq: Generated<number>;
  run_id: string;
  thread_id: string;
  assistant_id: string;
  status: RunStatus;
  multitask_strategy: MultitaskStrategy;
  kwargs: Json;
  metadata: Json;
  attempts: Generated<number>;
  error: string | null;
  dead_at: NullableTimestamp;
  cancel_reason: string | null;
  worker: string | null;
  lease_until: NullableTimestamp;
  available_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface RunEventsTable {
  run_id: string;
  seq: number;
  event: string;
  data: Json;
  created_at: Timestamp;
}

export interface TicketsTable {
  seq: Generated<number>;
  key: string;
  customer_id: string;
  thread_id: string | null;
  channel: string;
  issue_bucket: string;
  summary: string;
  status: Generated<"open" | "in_progress" | "closed">;
  resolution: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TicketNotesTable {
  id: Generated<number>;
  ticket_seq: number;
  key: string;
  author: string;
  text: string;
  created_at: Timestamp;
}

export interface LeadsTable {
  id: Generated<number>;
  key: string;
  kind: string;
  customer_id: string;
  thread_id: string | null;
  channel: string;
  car_id: string | null;
  details: Json;
  status: Generated<"new" | "contacted" | "closed">;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TranscriptTable {
  id: Generated<number>;
  key: string;
  thread_id: string;
  customer_id: string | null;
  channel: string;
  author: string;
  text: string;
  created_at: Timestamp;
}

export interface UsersTable {
  id: Generated<number>;
  name: string;
  role: string;
  password_hash: string;
  disabled: Flag;
  created_at: Timestamp;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  csrf: string;
  created_at: Timestamp;
  expires_at: ColumnType<string | Date, string, string>;
}

export interface DB {
  customers: CustomersTable;
  interactions: InteractionsTable;
  policy_state: PolicyStateTable;
  policies: PoliciesTable;
  policy_updates: PolicyUpdatesTable;
  handoffs: HandoffsTable;
  experiments: ExperimentsTable;
  threads: ThreadsTable;
  conversation_owners: ConversationOwnersTable;
  audit_log: AuditLogTable;
  inbound_messages: InboundMessagesTable;
  channel_addresses: ChannelAddressesTable;
  outbound_messages: OutboundMessagesTable;
  runs: RunsTable;
  run_events: RunEventsTable;
  tickets: TicketsTable;
  ticket_notes: TicketNotesTable;
  leads: LeadsTable;
  transcript: TranscriptTable;
  users: UsersTable;
  sessions: SessionsTable;
}
