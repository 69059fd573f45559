import { CUSTOMER_COLUMNS, Customer } from "../../domain/customer.js";
import { redactPii } from "../../domain/pii.js";
import type { CustomerStore } from "../ports.js";
import { compiledOnce, type Ctx } from "./dialect.js";

/** SQLite allows 32,766 parameters a statement: 12 columns × 500 rows stays well under. */
const BATCH = 500;
const UPDATED = CUSTOMER_COLUMNS.filter((c) => c !== "customer_id");

const byId = compiledOnce((db, id: string) => db.selectFrom("customers").select(CUSTOMER_COLUMNS).where("customer_id", "=", id));

export function customerStore({ db, d, atomic }: Ctx): CustomerStore {
  return {
    async upsertMany(customers) {
      // The free-text fields are stored with card and phone numbers masked: the product needs neither.
      const byId = new Map(
        customers.map((c) => {
          const p = Customer.parse(c);
          return [p.customer_id, { ...p, first_message: redactPii(p.first_message), mini_story: redactPii(p.mini_story), is_vocal: d.flag(p.is_vocal) }];
        }),
      );
      // One row per id, the last given, as row-by-row upserts would leave it: PostgreSQL refuses a statement
      // that updates the same row twice.
      const rows = [...byId.values()];
      await atomic(async (trx) => {
        for (let i = 0; i < rows.length; i += BATCH)
          await trx
            .insertInto("customers")
            .values(rows.slice(i, i + BATCH))
            .onConflict((oc) => oc.column("customer_id").doUpdateSet((eb) => Object.fromEntries(UPDATED.map((c) => [c, eb.ref(`excluded.${c}`)]))))
            .execute();
      });
      return customers.length;
    },

    async get(id) {
      const [row] = await byId(db, id);
      return row && fromRow(row);
    },

    async list(o = {}) {
      const q = db.selectFrom("customers").select(CUSTOMER_COLUMNS).$if(Boolean(o.segment), (q) => q.where("segment", "=", o.segment!)).orderBy("customer_id");
      return (await d.page(q, o.limit, o.offset).execute()).map(fromRow);
    },

    async count(o = {}) {
      const row = await db.selectFrom("customers").select((eb) => eb.fn.countAll<number>().as("n")).$if(Boolean(o.segment), (q) => q.where("segment", "=", o.segment!)).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/** Rows were parsed on the way in (upsertMany); reads skip a second parse. */
const fromRow = (r: Record<string, unknown>): Customer => ({ ...r, is_vocal: Boolean(r.is_vocal) }) as Customer;
