import { runContact, type ContactOutcome } from "../../src/app/contacts.js";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { randomUUID } from "node:crypto";
import { interaction } from "../contract/fixtures.js";
import { customer } from "./runtime.js";

/**
 * A care outreach: a contact we start with a customer who has not written (the care graph's outreach node), as
 * an API caller's campaign does. The customer is made first (silent, at low churn risk) when the store does not know them.
 */
export async function outreachTo(rt: CareRuntime, customerId: string): Promise<ContactOutcome> {
  if (!(await rt.store.customers.get(customerId)))
    await rt.store.customers.upsertMany([customer({ customer_id: customerId, segment: "NVF", is_vocal: false, first_message: "", channel_pref: "whatsapp", churn_risk_est: 0.1 })]);
  // What a person would review is not what these tests are about: no churn estimate sends this one to a person.
  const out = await runContact(rt, { customer_id: customerId, context: { churn_threshold: 1 } });
  if (out.interaction?.route !== "silent" || out.reply === null) throw new Error(`expected an outreach, got ${JSON.stringify({ route: out.interaction?.route, status: out.status })}`);
  return out;
}

/**
 * The log row a care outreach leaves (a silent customer's contact, `message` sent), without running the graph:
 * for tests about what the customer's answer goes through, where the outreach's own model call would be noise.
 */
export async function loggedOutreach(rt: CareRuntime, customerId: string, message: string): Promise<void> {
  const id = randomUUID();
  await rt.store.interactions.upsert(interaction(id, { thread_id: id, customer_id: customerId, route: "silent", mode: "outreach", segment: "NVF", context_key: "NVF|mecanica", message }));
}
