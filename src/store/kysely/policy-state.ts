import type { Kysely } from "kysely";
import type { PolicyClaim } from "../../policy/state-store.js";
import type { PolicyStateStore } from "../ports.js";
import { compiledOnce, type Ctx } from "./dialect.js";
import type { DB } from "./schema.js";

// The queries every learned contact runs, compiled once (see compiledOnce).
const bindingOf = compiledOnce((db, namespace: string) => db.selectFrom("policies").select(["policy", "frozen", "seq"]).where("namespace", "=", namespace));
const claimOf = compiledOnce((db, interaction_id: string, namespace: string, context_key: string, template: string, reward: number) =>
  db.insertInto("policy_updates").values({ interaction_id, namespace, context_key, template, reward }).onConflict((oc) => oc.doNothing()).returning("interaction_id"),
);
const saveRow = compiledOnce((db, namespace: string, key: string, value: string) =>
  db
    .insertInto("policy_state")
    .values({ namespace, key, value })
    .onConflict((oc) => oc.columns(["namespace", "key"]).doUpdateSet((eb) => ({ value: eb.ref("excluded.value") }))),
);
const bump = compiledOnce((db, namespace: string) =>
  db
    .updateTable("policies")
    .set((eb) => ({ seq: eb("seq", "+", 1) }))
    .where("namespace", "=", namespace)
    .returning("seq"),
);

export function policyStateStore({ db, d, atomic }: Ctx): PolicyStateStore {
  const binding = async (namespace: string) => {
    const [row] = await bindingOf(db, namespace);
    return row && { policy: row.policy, frozen: Boolean(row.frozen), seq: row.seq };
  };
  const loadRows = async (trx: Kysely<DB>, namespace: string) => {
    const rows = await trx.selectFrom("policy_state").select(["key", "value"]).where("namespace", "=", namespace).execute();
    return new Map(rows.map((r) => [r.key, d.json(r.value)]));
  };
  return {
    async bind(namespace, policy) {
      await db.insertInto("policies").values({ namespace, policy, frozen: d.flag(false) }).onConflict((oc) => oc.column("namespace").doNothing()).execute();
      return (await binding(namespace))!;
    },

    binding,

    async isFrozen(namespace) {
      return (await binding(namespace))?.frozen === true;
    },

    loadRows: (namespace) => loadRows(db, namespace),

    applyOnce(namespace, claim, update) {
      return atomic(async (trx) => {
        // The claim is the exactly-once guard: a second insert of the id (a replay, a redelivered job) does nothing.
        const [claimed] = await claimOf(trx, claim.interactionId, namespace, claim.contextKey, claim.template, claim.reward);
        if (!claimed) {
          const earlier = await trx
            .selectFrom("policy_updates")
            .select(["interaction_id as interactionId", "namespace", "context_key as contextKey", "template", "reward"])
            .where("interaction_id", "=", claim.interactionId)
            .executeTakeFirstOrThrow();
          return { applied: false as const, earlier: earlier satisfies PolicyClaim & { namespace: string } };
        }
        // Locked until commit on PostgreSQL: a concurrent learner on the namespace waits, then sees our seq and reloads.
        const { seq } = await d.forUpdate(trx.selectFrom("policies").select("seq").where("namespace", "=", namespace)).executeTakeFirstOrThrow();
        if (seq !== update.seenSeq) update.reload(await loadRows(trx, namespace));
        for (const [key, value] of update.apply()) await saveRow(trx, namespace, key, JSON.stringify(value));
        const [bumped] = (await bump(trx, namespace)) as [{ seq: number }];
        return { applied: true as const, seq: bumped.seq };
      });
    },

    reset(namespace) {
      return atomic(async (trx) => {
        await trx.deleteFrom("policy_state").where("namespace", "=", namespace).execute();
        await trx.deleteFrom("policies").where("namespace", "=", namespace).execute();
      });
    },

    async setFrozen(namespace, frozen) {
      await db.updateTable("policies").set({ frozen: d.flag(frozen) }).where("namespace", "=", namespace).execute();
    },
  };
}
