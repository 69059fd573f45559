/**
 * Schema of our own tables, one step per version (PRAGMA user_version). The LangGraph checkpointer
 * keeps its own tables in the same file; ours hold customers, transcripts and analytics.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE customers (
    customer_id TEXT PRIMARY KEY,
    segment TEXT NOT NULL,
    is_vocal INTEGER NOT NULL,
    last_purchase_days INTEGER NOT NULL,
    price REAL NOT NULL,
    issues_flag INTEGER NOT NULL,
    past_nps INTEGER NOT NULL,
    first_message TEXT NOT NULL,
    channel_pref TEXT NOT NULL,
    churn_risk_est REAL NOT NULL,
    issue_bucket TEXT NOT NULL,
    mini_story TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );

  CREATE TABLE interactions (
    interaction_id TEXT PRIMARY KEY,
    thread_id TEXT,
    experiment_id TEXT,
    policy_namespace TEXT NOT NULL,
    policy TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    segment TEXT NOT NULL,
    issue_bucket TEXT NOT NULL,
    context_key TEXT NOT NULL,
    mode TEXT,
    route TEXT NOT NULL,
    template TEXT,
    propensity REAL,
    message TEXT,
    message_source TEXT NOT NULL,
    safety_verdict TEXT,
    safety_rules TEXT NOT NULL DEFAULT '[]',
    escalation_reason TEXT,
    human_action TEXT,
    nps_expected REAL,
    engagement_prob REAL,
    churn_prob REAL,
    aspect_sentiment TEXT,
    rationale TEXT,
    reward REAL,
    status TEXT NOT NULL,
    learned INTEGER NOT NULL DEFAULT 0,
    iteration INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX interactions_by_experiment ON interactions (experiment_id, policy_namespace, iteration);
  CREATE INDEX interactions_by_time ON interactions (created_at);

  CREATE TABLE policy_state (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (namespace, key)
  );
  CREATE TABLE policies (
    namespace TEXT PRIMARY KEY,
    policy TEXT NOT NULL,
    frozen INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  -- One row per interaction whose reward reached a policy: the guard that makes updates exactly-once.
  CREATE TABLE policy_updates (
    interaction_id TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    context_key TEXT NOT NULL,
    template TEXT NOT NULL,
    reward REAL NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );

  CREATE TABLE handoffs (
    interaction_id TEXT PRIMARY KEY,
    thread_id TEXT,
    customer_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    priority INTEGER NOT NULL,
    draft TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    resolution TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    resolved_at TEXT
  );
  CREATE INDEX handoffs_by_status ON handoffs (status, priority DESC);

  CREATE TABLE experiments (
    experiment_id TEXT PRIMARY KEY,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    summary TEXT,
    started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at TEXT
  );
  `,
  `
  -- Threads of the LangGraph-compatible API (the checkpoints themselves live in LangGraph's tables).
  CREATE TABLE threads (
    thread_id TEXT PRIMARY KEY,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );

  ALTER TABLE handoffs ADD COLUMN claimed_by TEXT;
  ALTER TABLE handoffs ADD COLUMN claimed_at TEXT;

  -- Who speaks for us to a customer. No row: the bot. Never inferred from a model's memory.
  CREATE TABLE conversation_owners (
    customer_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL CHECK (owner IN ('bot', 'human')),
    agent TEXT,
    since TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX audit_by_subject ON audit_log (subject, id);

  -- Inbound WhatsApp messages, keyed by Twilio's MessageSid: a retried webhook is answered once.
  CREATE TABLE inbound_messages (
    message_sid TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    thread_id TEXT,
    status TEXT NOT NULL,
    reply TEXT,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  `,
  `
  -- The request that started the contact (log correlation) and the numeric features the policy saw
  -- (off-policy evaluation of contextual policies needs them as they were at decision time).
  ALTER TABLE interactions ADD COLUMN request_id TEXT;
  ALTER TABLE interactions ADD COLUMN features TEXT;
  `,
  `
  -- Escalations of simulated customers stay out of the people's queue.
  ALTER TABLE handoffs ADD COLUMN experiment_id TEXT;
  -- What a customer wrote while a person owned the conversation: the agent reads it there.
  ALTER TABLE inbound_messages ADD COLUMN body TEXT;
  -- Bumped by every applied update: a process whose copy is older reloads before it writes.
  ALTER TABLE policies ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- Where a customer reached us ("whatsapp:+52…"): what a person writes later goes back there. A phone
  -- number: kept here only, never in ids or logs.
  CREATE TABLE channel_addresses (
    customer_id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );

  -- Messages to customers outside a webhook's own reply (what a person writes): an outbox, so neither a
  -- crash nor a provider outage loses one. Sent at least once.
  CREATE TABLE outbound_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id TEXT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    provider_id TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at TEXT
  );
  CREATE INDEX outbound_due ON outbound_messages (status, next_attempt_at);
  CREATE INDEX outbound_by_customer ON outbound_messages (customer_id, id);
  `,
  `
  -- Card and phone numbers written before they were masked on the way in (redact_pii: src/store/db.ts).
  UPDATE customers SET first_message = redact_pii(first_message), mini_story = redact_pii(mini_story);
  UPDATE inbound_messages SET body = redact_pii(body) WHERE body IS NOT NULL;
  `,
  `
  -- A thread's hand-off (HandoffStore.onThread): every resume and delete over the Platform routes looks it up.
  -- IF NOT EXISTS: a database taken back to an earlier version (a test of the masking step) runs it again.
  CREATE INDEX IF NOT EXISTS handoffs_by_thread ON handoffs (thread_id, created_at);
  `,
  `
  -- LangGraph's long-term memory (SqliteMemoryStore): namespace is the labels joined by ':', which a label
  -- cannot hold, so a prefix search is a range on the primary key. value: JSON text.
  CREATE TABLE IF NOT EXISTS memory_items (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (namespace, key)
  );
  `,
  `
  -- A message's idempotency key: a run executed twice (redelivered after its worker died) queues it once.
  -- Rows from before have none: each gets its own.
  ALTER TABLE outbound_messages ADD COLUMN key TEXT;
  UPDATE outbound_messages SET key = 'legacy:' || id;
  CREATE UNIQUE INDEX outbound_by_key ON outbound_messages (key);

  -- The durable run queue (RunQueue in src/store/ports.ts): a thread's runs start one at a time, in seq order.
  CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL UNIQUE,
    thread_id TEXT NOT NULL,
    assistant_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'success', 'error', 'interrupted', 'timeout')),
    multitask_strategy TEXT NOT NULL,
    kwargs TEXT NOT NULL DEFAULT '{}',
    metadata TEXT NOT NULL DEFAULT '{}',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    dead_at TEXT,
    cancel_reason TEXT,
    worker TEXT,
    lease_until TEXT,
    available_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    started_at TEXT,
    finished_at TEXT
  );
  -- A thread's line (is an earlier run still open?) and the claim's scan, oldest open run first.
  CREATE INDEX runs_open_by_thread ON runs (thread_id, seq) WHERE status IN ('pending', 'running');
  CREATE INDEX runs_open ON runs (seq) WHERE status IN ('pending', 'running');
  CREATE INDEX runs_by_thread ON runs (thread_id, seq);
  CREATE INDEX runs_dead ON runs (dead_at) WHERE dead_at IS NOT NULL;

  -- A run's stream, kept so a client of any process can join it and resume after the last event it saw.
  CREATE TABLE run_events (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (run_id, seq)
  );
  `,
  `
  -- The support desk (TicketStore, LeadStore in src/store/ports.ts). Each row carries the idempotency key of
  -- what wrote it (e.g. "<run_id>:ticket"): a redelivered run that writes it again gets the first row back.
  -- AUTOINCREMENT: a ticket's folio is its seq ("KV-000123"), never handed out twice, even after a delete.
  CREATE TABLE tickets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    thread_id TEXT,
    channel TEXT NOT NULL,
    issue_bucket TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'closed')),
    resolution TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX tickets_by_customer ON tickets (customer_id, status, seq);
  CREATE INDEX tickets_by_status ON tickets (status, seq);

  CREATE TABLE ticket_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_seq INTEGER NOT NULL REFERENCES tickets (seq),
    key TEXT NOT NULL UNIQUE,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX ticket_notes_by_ticket ON ticket_notes (ticket_seq, id);

  -- Test drives, offers for a customer's car, trade-ins and reservations, for the sales team to call back.
  CREATE TABLE leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('test_drive', 'sell_car', 'trade_in', 'reserve')),
    customer_id TEXT NOT NULL,
    thread_id TEXT,
    channel TEXT NOT NULL,
    car_id TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'closed')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX leads_by_customer ON leads (customer_id, id);
  CREATE INDEX leads_by_kind ON leads (kind, status, id);
  `,
  `
  -- Every line of the conversation graph's conversations, every channel's (Transcript in src/store/ports.ts),
  -- keyed by what wrote it (e.g. "<run_id>:customer"): a run executed again adds nothing twice.
  CREATE TABLE transcript (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    thread_id TEXT NOT NULL,
    customer_id TEXT,
    channel TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE INDEX transcript_by_thread ON transcript (thread_id, id);
  CREATE INDEX transcript_by_customer ON transcript (customer_id, id);
  `,
  `
  -- Read on every channel message (does it answer a care outreach? src/app/channels/inbox.ts): a customer's
  -- last contacts, their last message, and whether a message started a contact's thread.
  CREATE INDEX interactions_by_customer ON interactions (customer_id, created_at);
  CREATE INDEX inbound_by_customer ON inbound_messages (customer_id, received_at);
  CREATE INDEX inbound_by_thread ON inbound_messages (thread_id);
  `,
  `
  -- The people who sign in to the console (src/domain/user.ts) and their sessions. A session is found by the
  -- SHA-256 of its cookie's token, so a copy of the database opens nobody's session.
  CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('agent', 'operator', 'admin')),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at TEXT NOT NULL
  );
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);
  `,
];
