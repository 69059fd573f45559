import type { Selectable } from "kysely";
import { Lead, LeadNew, leadStatusesBefore, type LeadKind, type LeadStatus } from "../../domain/lead.js";
import type { LeadStore } from "../ports.js";
import { iso, type Ctx, type Dialect } from "./dialect.js";
import type { LeadsTable } from "./schema.js";

/** Leads for the sales team to call back. */
export function leadStore({ db, d }: Ctx): LeadStore {
  const get = async (id: number) => {
    const row = await db.selectFrom("leads").selectAll().where("id", "=", id).executeTakeFirst();
    return row && fromRow(d, row);
  };
  const listed = (kind: LeadKind | undefined, status: LeadStatus | undefined) =>
    db
      .selectFrom("leads")
      .$if(kind !== undefined, (q) => q.where("kind", "=", kind!))
      .$if(status !== undefined, (q) => q.where("status", "=", status!));
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
      return (await d.page(listed(kind, status).selectAll().orderBy("id", "desc"), limit, offset).execute()).map((r) => fromRow(d, r));
    },

    async count(o = {}) {
      const row = await listed(o.kind, o.status).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async advance(id, to) {
      const from = leadStatusesBefore(to);
      const moved =
        from.length > 0 &&
        (await db.updateTable("leads").set({ status: to, updated_at: d.now() }).where("id", "=", id).where("status", "in", from).returning("id").executeTakeFirst()) !== undefined;
      const lead = await get(id);
      return lead && { lead, changed: moved };
    },

    async setStatus(id, status) {
      await db.updateTable("leads").set({ status, updated_at: d.now() }).where("id", "=", id).execute();
      return get(id);
    },
  };
}

const fromRow = (d: Dialect, { key: _key, details, created_at, updated_at, ...r }: Selectable<LeadsTable>): Lead =>
  Lead.parse({ ...r, details: d.json(details), created_at: iso(created_at), updated_at: iso(updated_at) });
