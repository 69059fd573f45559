import type { Selectable } from "kysely";
import { Lead, LeadNew } from "../../domain/lead.js";
import type { LeadStore } from "../ports.js";
import { iso, type Ctx, type Dialect } from "./dialect.js";
import type { LeadsTable } from "./schema.js";

/** Leads for the sales team to call back. */
export function leadStore({ db, d }: Ctx): LeadStore {
  const get = async (id: number) => {
    const row = await db.selectFrom("leads").selectAll().where("id", "=", id).executeTakeFirst();
    return row && fromRow(d, row);
  };
  return {
    async create(l, key) {
      const { details, ...lead } = LeadNew.parse(l);
      const row = await db
        .insertInto("leads")
        .values({ key, ...lead, details: JSON.stringify(details) })
        .onConflict((oc) => oc.column("key").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) return { lead: fromRow(d, row), created: true };
      return { lead: fromRow(d, await db.selectFrom("leads").selectAll().where("key", "=", key).executeTakeFirstOrThrow()), created: false };
    },

    get,

    async byCustomer(customerId) {
      return (await db.selectFrom("leads").selectAll().where("customer_id", "=", customerId).orderBy("id", "desc").execute()).map((r) => fromRow(d, r));
    },

    async list({ kind, status, limit, offset }) {
      let q = db.selectFrom("leads").selectAll();
      if (kind) q = q.where("kind", "=", kind);
      if (status) q = q.where("status", "=", status);
      return (await d.page(q.orderBy("id", "desc"), limit, offset).execute()).map((r) => fromRow(d, r));
    },

    async setStatus(id, status) {
      await db.updateTable("leads").set({ status, updated_at: d.now() }).where("id", "=", id).execute();
      return get(id);
    },
  };
}

const fromRow = (d: Dialect, { key: _key, details, created_at, updated_at, ...r }: Selectable<LeadsTable>): Lead =>
  Lead.parse({ ...r, details: d.json(details), created_at: iso(created_at), updated_at: iso(updated_at) });
