import type { PolicyClaim, PolicyStateStore } from "../policy/state-store.js";
import type { Db } from "./db.js";

export class SqlitePolicyStateStore implements PolicyStateStore {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      bind: db.prepare("INSERT INTO policies (namespace, policy) VALUES (?, ?) ON CONFLICT (namespace) DO NOTHING"),
      binding: db.prepare("SELECT policy, frozen, seq FROM policies WHERE namespace = ?"),
      earlier: db.prepare("SELECT interaction_id AS interactionId, namespace, context_key AS contextKey, template, reward FROM policy_updates WHERE interaction_id = ?"),
      bump: db.prepare("UPDATE policies SET seq = seq + 1 WHERE namespace = ? RETURNING seq"),
      rows: db.prepare("SELECT key, value FROM policy_state WHERE namespace = ?"),
      claim: db.prepare(
        "INSERT INTO policy_updates (interaction_id, namespace, context_key, template, reward) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      save: db.prepare(
        "INSERT INTO policy_state (namespace, key, value) VALUES (?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
      ),
      freeze: db.prepare("UPDATE policies SET frozen = ? WHERE namespace = ?"),
    };
  }

  bind(namespace: string, policy: string) {
    this.stmts.bind.run(namespace, policy);
    const row = this.stmts.binding.get(namespace) as { policy: string; frozen: number; seq: number };
    return { policy: row.policy, frozen: row.frozen === 1, seq: row.seq };
  }

  isFrozen(namespace: string): boolean {
    const row = this.stmts.binding.get(namespace) as { frozen: number } | undefined;
    return row?.frozen === 1;
  }

  loadRows(namespace: string): Map<string, unknown> {
    const rows = this.stmts.rows.all(namespace) as Array<{ key: string; value: string }>;
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value)]));
  }

  applyOnce(namespace: string, claim: PolicyClaim, update: { seenSeq: number; reload: (rows: Map<string, unknown>) => void; apply: () => Map<string, unknown> }) {
    return this.db.transaction(() => {
      const claimed = this.stmts.claim.run(claim.interactionId, namespace, claim.contextKey, claim.template, claim.reward).changes === 1;
      if (!claimed) return { applied: false as const, earlier: this.stmts.earlier.get(claim.interactionId) as PolicyClaim & { namespace: string } };
      const current = (this.stmts.binding.get(namespace) as { seq: number }).seq;
      if (current !== update.seenSeq) update.reload(this.loadRows(namespace));
      for (const [key, value] of update.apply()) this.stmts.save.run(namespace, key, JSON.stringify(value));
      return { applied: true as const, seq: (this.stmts.bump.get(namespace) as { seq: number }).seq };
    })();
  }

  reset(namespace: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM policy_state WHERE namespace = ?").run(namespace);
      this.db.prepare("DELETE FROM policies WHERE namespace = ?").run(namespace);
    })();
  }

  setFrozen(namespace: string, frozen: boolean): void {
    this.stmts.freeze.run(frozen ? 1 : 0, namespace);
  }
}
