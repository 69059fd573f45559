import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { runOnThread } from "../../src/app/contacts.js";
import { addUser } from "../../src/app/people.js";
import { testApp } from "../helpers/app.js";
import { TEST_PASSWORD } from "../helpers/browser.js";
import { ConsoleClient } from "../helpers/console.js";
import { customer, testRuntime } from "../helpers/runtime.js";

let rt: CareRuntime;
let app: ReturnType<typeof testApp>;
const signedIn = async (name: string) => {
  const c = new ConsoleClient(app);
  await c.signIn(name);
  return c;
};
const caseOf = (id: string) => `/console/inbox/h/${encodeURIComponent(id)}`;
/** A conversation hand-off, as a customer asking for a person makes it. */
async function askForPerson(customerId?: string): Promise<{ thread: string; id: string }> {
  const thread = randomUUID();
  const r = await app.request(`/v1/chats/${thread}/messages`, {
    method: "POST",
    headers: { "x-api-key": "k", "content-type": "application/json" },
    body: JSON.stringify({ message: "quiero hablar con una persona", channel: "web", ...(customerId && { customer_id: customerId }) }),
  });
  expect(r.status).toBe(202);
  return { thread, id: (await rt.store.handoffs.onThread(thread))!.interaction_id };
}

beforeAll(async () => {
  rt = await testRuntime({ customers: [customer({ customer_id: "T1" })] });
  app = testApp(rt);
  for (const [name, role] of [["ana", "agent"], ["luis", "agent"], ["eva", "agent"], ["oscar", "operator"]] as const) await addUser(rt.store, { name, role, password: TEST_PASSWORD });
});
afterAll(() => rt.close());

describe("the inbox's rules on the server", () => {
  it("a claim is exclusive: a second agent sees who took it, gets no action, and the server refuses theirs", async () => {
    const { thread, id } = await askForPerson();
    const ana = await signedIn("ana");
    const luis = await signedIn("luis");
    expect((await ana.page("/console/inbox")).html).toContain(caseOf(id));

    const claimed = await ana.form(`${caseOf(id)}/claim`, {});
    expect(claimed.status).toBe(303);
    expect((await rt.store.handoffs.get(id))?.claimed_by).toBe("ana");

    const seen = (await luis.page(caseOf(id))).html;
    expect(seen).toContain("Tomada por <strong>ana</strong>");
    expect(seen).not.toContain("Responder</button>");
    expect(seen).not.toContain(">Tomar</button>");
    expect((await luis.form(`${caseOf(id)}/claim`, {})).status).toBe(409);
    const answered = await luis.form(`${caseOf(id)}/answer`, { type: "response", text: "Soy Luis" }, { headers: { "hx-request": "true" } });
    expect(answered.status).toBe(409);
    expect(await answered.text()).toContain("Otra persona ya tomó este hand-off.");
    expect((await luis.form(`${caseOf(id)}/release`, {})).status).toBe(403);
    expect((await luis.form(`${caseOf(id)}/notes`, { text: "x" })).status).toBe(403);
    expect((await rt.store.handoffs.get(id))?.status).toBe("pending");

    // Ana answers, writes freely while the chat is hers, and hands it back.
    const mine = (await ana.page(caseOf(id))).html;
    expect(mine).toContain("Responder</button>");
    // A word before the answer leaves the hand-off open.
    expect(mine).toContain("Escribir sin resolver el hand-off");
    expect((await ana.form(`${caseOf(id)}/messages`, { text: "Estoy revisando tu caso.", key: randomUUID() })).status).toBe(303);
    expect((await rt.store.handoffs.get(id))?.status).toBe("pending");
    expect((await ana.form(`${caseOf(id)}/answer`, { type: "response", text: "Hola, soy Ana." })).status).toBe(303);
    expect(await rt.store.handoffs.get(id)).toMatchObject({ status: "resolved", resolution: "response" });
    expect((await ana.page(caseOf(id))).html).toContain("Enviar mensaje</button>");
    expect((await ana.form(`${caseOf(id)}/messages`, { text: "¿Algo más?", key: randomUUID() })).status).toBe(303);
    expect((await luis.form(`${caseOf(id)}/messages`, { text: "Soy Luis", key: randomUUID() })).status).toBe(403);
    expect((await rt.store.transcript.thread(thread)).filter((l) => l.author.startsWith("person:")).map((l) => [l.author, l.text])).toEqual([
      ["person:ana", "Estoy revisando tu caso."],
      ["person:ana", "Hola, soy Ana."],
      ["person:ana", "¿Algo más?"],
    ]);
    expect((await luis.form(`${caseOf(id)}/handback`, {})).status).toBe(403);
    expect((await ana.form(`${caseOf(id)}/handback`, {})).status).toBe(303);
    expect((await rt.store.ownership.get(`visitor:${thread}`)).owner).toBe("bot");
  });

  it("refuses every action without the CSRF token (403), and keeps operators out of the inbox", async () => {
    const { id } = await askForPerson();
    const ana = await signedIn("ana");
    for (const path of ["claim", "answer", "release", "notes", "messages", "handback"]) expect((await ana.form(`${caseOf(id)}/${path}`, { type: "ignore" }, { csrf: false })).status).toBe(403);
    expect((await ana.form("/console/inbox/next", {}, { csrf: false })).status).toBe(403);
    expect((await rt.store.handoffs.get(id))?.claimed_by).toBeNull();
    const oscar = await signedIn("oscar");
    expect((await oscar.request("/console/inbox")).status).toBe(403);
    expect((await oscar.request(caseOf(id))).status).toBe(403);
  });

  it("a care hand-off's draft, edited and sent: the customer gets the edit, and the case shows what decided the draft", async () => {
    const { outcome } = await runOnThread(rt, { customer_id: "T1", context: { churn_threshold: 0 } });
    expect(outcome.status).toBe("handed_off");
    const id = outcome.interaction_id;
    const ana = await signedIn("ana");
    await ana.form(`${caseOf(id)}/claim`, {});
    const html = (await ana.page(caseOf(id))).html;
    expect(html).toContain("Borrador del bot");
    expect(html).toContain(outcome.interaction!.template!);
    expect(html).toContain("Enviar el borrador editado");
    expect(html).toContain("Resumen del caso"); // the care graph's request: why, the customer, the judge
    // The profile in the agent's words, not the store's codes.
    expect(html).toContain("<dd>VE · vocal enojado</dd>");
    expect(html).toContain("<dd>mecánica</dd>");
    expect(html).toContain("<dd>WhatsApp</dd>");
    expect((await ana.form(`${caseOf(id)}/answer`, { type: "edit", text: "Te llamo hoy mismo para resolverlo." })).status).toBe(303);
    expect(await rt.store.interactions.get(id)).toMatchObject({ human_action: "edit", message: "Te llamo hoy mismo para resolverlo.", message_source: "human" });
  });

  it("take the next one: the most urgent, oldest unclaimed; release puts it back, reassign passes it; notes stay with the customer", async () => {
    for (const h of await rt.store.handoffs.pending()) await rt.store.handoffs.resolve(h.interaction_id, "ignore");
    const low = await askForPerson();
    await rt.store.handoffs.open({ interaction_id: "urgent", thread_id: null, customer_id: "c-urgent", reason: "legal_threat", priority: 10, draft: "Borrador", experiment_id: null });
    const eva = await signedIn("eva");
    const next = await eva.form("/console/inbox/next", {});
    expect(next.status).toBe(303);
    expect(next.headers.get("location")).toBe(caseOf("urgent"));
    const second = await eva.form("/console/inbox/next", {}, { headers: { "hx-request": "true" } });
    expect(second.headers.get("hx-redirect")).toBe(caseOf(low.id));
    expect((await eva.form("/console/inbox/next", {})).status).toBe(409);

    expect((await eva.form(`${caseOf("urgent")}/notes`, { text: "Llamó su abogado: 55 1234 5678" })).status).toBe(303);
    expect((await eva.page(caseOf("urgent"))).html).not.toContain("1234 5678");
    expect((await eva.form(`${caseOf("urgent")}/release`, {})).status).toBe(303);
    expect(await rt.store.handoffs.get("urgent")).toMatchObject({ claimed_by: null });
    expect((await rt.store.ownership.get("c-urgent"))).toMatchObject({ owner: "human", agent: null });

    const ana = await signedIn("ana");
    await ana.form(`${caseOf("urgent")}/claim`, {});
    expect((await ana.form(`${caseOf("urgent")}/reassign`, { to: "oscar" })).status).toBe(400); // not an agent
    expect((await ana.form(`${caseOf("urgent")}/reassign`, { to: "luis" })).status).toBe(303);
    expect(await rt.store.handoffs.get("urgent")).toMatchObject({ claimed_by: "luis" });
    expect((await rt.store.ownership.get("c-urgent")).agent).toBe("luis");
    const luis = await signedIn("luis");
    expect((await luis.page(caseOf("urgent"))).html).toContain("Llamó su abogado");
  });

  it("filters and pages the queue, and answers a bad filter with 400 naming the field", async () => {
    const ana = await signedIn("ana");
    expect((await ana.request("/console/inbox/queue?min=99")).status).toBe(400);
    expect(await (await ana.request("/console/inbox/queue?min=99")).text()).toContain("query.min");
    const conversation = (await ana.page("/console/inbox/queue?graph=conversation")).html;
    expect(conversation).not.toContain(caseOf("urgent"));
    expect((await ana.page("/console/inbox/queue?reason=legal_threat")).html).toContain(caseOf("urgent"));
  });

  it("a form's field at fault is named in es-MX, as the person reads it", async () => {
    const { id } = await askForPerson();
    const ana = await signedIn("ana");
    const r = await ana.form(`${caseOf(id)}/reassign`, { to: "x".repeat(65) }, { headers: { "hx-request": "true" } });
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text).toContain("form.to: Demasiado grande");
    expect(text).not.toMatch(/Too big/);
  });

  it("a canned reply fills the reply box it was picked for, in es-MX from data/", async () => {
    const ana = await signedIn("ana");
    const box = (await ana.page("/console/inbox/canned?id=revisando&target=message-box")).html;
    expect(box).toContain('id="message-box"');
    expect(box).toContain("Estoy revisando tu caso");
    expect((await ana.page("/console/inbox/canned?id=no-such")).html).toMatch(/id="respond-box"[\s\S]*<textarea[^>]*><\/textarea>/);
    expect((await ana.request("/console/inbox/canned?target=elsewhere")).status).toBe(400);
  });
});
