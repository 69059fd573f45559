import type { Customer } from "../../src/domain/customer.js";
import { openCareRuntime, type CareRuntime, type Database } from "../../src/app/care-runtime.js";
import type { CareDepsOptions } from "../../src/agents/deps.js";
import { CareContext, type CareContextInput } from "../../src/agents/context.js";
import { forgeCustomers } from "../../src/sim/persona-forge.js";
import { loadPersonaCorpus } from "../../src/store/assets.js";

// In its own file so the contract tests can have it without loading the runtime.
export { tempDbPath } from "./temp-db.js";

export const corpus = loadPersonaCorpus();

/** A runtime with customers, on an in-memory SQLite file unless given a file or a database. */
export async function testRuntime(
  o: Omit<CareDepsOptions, "store"> & { dbPath?: string; database?: Database; customers?: Customer[] } = {},
): Promise<CareRuntime> {
  const { database, dbPath = ":memory:", ...rest } = o;
  const rt = await openCareRuntime({ ...rest, ...(database ?? { dbPath }) });
  await rt.store.customers.upsertMany(o.customers ?? forgeCustomers({ n: 40, seed: 3 }, corpus));
  return rt;
}

export function ctx(over: CareContextInput = {}) {
  return CareContext.parse(over);
}

export function customer(over: Partial<Customer> = {}): Customer {
  return {
    customer_id: "T1",
    segment: "VE",
    is_vocal: true,
    last_purchase_days: 30,
    price: 300_000,
    issues_flag: 1,
    past_nps: 3,
    first_message: "El auto tira aceite desde el primer día, esto es inaceptable.",
    channel_pref: "whatsapp",
    churn_risk_est: 0.6,
    issue_bucket: "mecanica",
    mini_story: "Compró un Nissan Versa 2019 hace 30 días.",
    ...over,
  };
}
