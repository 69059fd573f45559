import { redactPii } from "../domain/pii.js";
import { CUSTOMER_COLUMNS, Customer } from "../domain/customer.js";
import type { Db } from "./db.js";

type Row = Record<(typeof CUSTOMER_COLUMNS)[number], string | number>;

/** The free-text fields are stored with card and phone numbers masked: the product needs neither. */
function toRow(c: Customer): Row {
  return { ...c, first_message: redactPii(c.first_message), mini_story: redactPii(c.mini_story), is_vocal: c.is_vocal ? 1 : 0 };
}

/** Rows were parsed on the way in (upsertMany); reads skip a second parse. */
function fromRow(r: Row): Customer {
  return { ...r, is_vocal: r.is_vocal === 1 } as Customer;
}

const where = (opts: { segment?: string }) => (opts.segment ? "WHERE segment = @segment" : "");

export class CustomerStore {
  private readonly upsertStmt;
  private readonly getStmt;

  constructor(private readonly db: Db) {
    const cols = CUSTOMER_COLUMNS.join(", ");
    const params = CUSTOMER_COLUMNS.map((c) => `@${c}`).join(", ");
    const updates = CUSTOMER_COLUMNS.filter((c) => c !== "customer_id").map((c) => `${c} = excluded.${c}`).join(", ");
    this.upsertStmt = db.prepare(`INSERT INTO customers (${cols}) VALUES (${params}) ON CONFLICT (customer_id) DO UPDATE SET ${updates}`);
    this.getStmt = db.prepare(`SELECT ${cols} FROM customers WHERE customer_id = ?`);
  }

  /** All or nothing: every record is parsed before the first is written. */
  upsertMany(customers: readonly Customer[]): number {
    const rows = customers.map((c) => toRow(Customer.parse(c)));
    this.db.transaction(() => {
      for (const row of rows) this.upsertStmt.run(row);
    })();
    return customers.length;
  }

  get(id: string): Customer | undefined {
    const row = this.getStmt.get(id) as Row | undefined;
    return row && fromRow(row);
  }

  list(opts: { limit?: number; offset?: number; segment?: string } = {}): Customer[] {
    const rows = this.db
      .prepare(`SELECT ${CUSTOMER_COLUMNS.join(", ")} FROM customers ${where(opts)} ORDER BY customer_id LIMIT @limit OFFSET @offset`)
      .all({ segment: opts.segment, limit: opts.limit ?? -1, offset: opts.offset ?? 0 }) as Row[];
    return rows.map(fromRow);
  }

  /** How many `list` would return without a limit. */
  count(opts: { segment?: string } = {}): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM customers ${where(opts)}`).get({ segment: opts.segment }) as { n: number }).n;
  }
}
