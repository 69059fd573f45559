import type { Db } from "./db.js";

export interface Ownership {
  owner: "bot" | "human";
  agent: string | null;
  since: string | null;
}

/** Who speaks to a customer. A person owns the conversation from the claim until an explicit hand-back. */
export class OwnershipStore {
  constructor(private readonly db: Db) {}

  get(customerId: string): Ownership {
    const row = this.db.prepare("SELECT owner, agent, since FROM conversation_owners WHERE customer_id = ?").get(customerId) as Ownership | undefined;
    return row ?? { owner: "bot", agent: null, since: null };
  }

  /** Escalated: people own the conversation, waiting for someone to claim it. Never undoes a claim. */
  escalate(customerId: string): void {
    this.db.prepare("INSERT INTO conversation_owners (customer_id, owner, agent) VALUES (?, 'human', NULL) ON CONFLICT DO NOTHING").run(customerId);
  }

  /** An agent claimed a hand-off of this customer. */
  takeOver(customerId: string, agent: string): void {
    this.db
      .prepare(
        `INSERT INTO conversation_owners (customer_id, owner, agent) VALUES (?, 'human', ?)
         ON CONFLICT (customer_id) DO UPDATE SET owner = 'human', agent = excluded.agent, since = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
      )
      .run(customerId, agent);
  }

  handBack(customerId: string): void {
    this.db.prepare("DELETE FROM conversation_owners WHERE customer_id = ?").run(customerId);
  }
}
