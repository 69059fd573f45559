import type { OwnershipStore } from "../ports.js";
import { iso, type Ctx } from "./dialect.js";

/** Who speaks to a customer. No row: the bot. */
export function ownershipStore({ db, d }: Ctx): OwnershipStore {
  return {
    async get(customerId) {
      const row = await db.selectFrom("conversation_owners").select(["owner", "agent", "since"]).where("customer_id", "=", customerId).executeTakeFirst();
      return row ? { ...row, since: iso(row.since) } : { owner: "bot", agent: null, since: null };
    },

    async escalate(customerId) {
      await db.insertInto("conversation_owners").values({ customer_id: customerId, owner: "human", agent: null }).onConflict((oc) => oc.doNothing()).execute();
    },

    async takeOver(customerId, agent) {
      await db
        .insertInto("conversation_owners")
        .values({ customer_id: customerId, owner: "human", agent })
        .onConflict((oc) => oc.column("customer_id").doUpdateSet((eb) => ({ owner: "human", agent: eb.ref("excluded.agent"), since: d.now() })))
        .execute();
    },

    async handBack(customerId) {
      await db.deleteFrom("conversation_owners").where("customer_id", "=", customerId).execute();
    },
  };
}
