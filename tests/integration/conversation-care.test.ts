import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { executeRun } from "../../src/app/runs/execute.js";
import { langgraphEngine } from "../../src/app/runs/engine.js";
import { servedGraphs } from "../../src/app/runs/graphs.js";
import type { CareDecision } from "../../src/agents/conversation/deps.js";
import type { Turn } from "../../src/domain/conversation.js";
import type { Judge } from "../../src/domain/ports.js";
import { loadConversationSettings, loadConversationTexts } from "../../src/store/assets.js";
import { testApp } from "../helpers/app.js";
import { customer, testRuntime } from "../helpers/runtime.js";

const COMPLAINT = "Mi auto hace un ruido raro en el motor, quiero reportarlo";
const ANGRY = "¡¡El motor de mi auto falla desde que lo compré, esto es inaceptable!!";
const TEXTS = loadConversationTexts();
const SETTINGS = loadConversationSettings();

/** Issue 11, items 4 and 8: a complaint over the conversation reaches the care decision, and a top priority reaches a person. */
describe("a complaint over the conversation and the care graph", () => {
  let rt: CareRuntime;
  let app: ReturnType<typeof testApp>;
  const say = async (thread: string, message: string, customer_id?: string) => {
    const r = await app.request(`/v1/chats/${thread}/messages`, {
      method: "POST",
      headers: { "x-api-key": "k", "content-type": "application/json" },
      body: JSON.stringify({ message, customer_id }),
    });
    return { status: r.status, body: (await r.json()) as { reply: string | null; status: string; turn: { tools: string[] } } };
  };
  const turnOf = async (thread: string) => (await rt.conversation.getState({ configurable: { thread_id: thread } })).values.turn as Turn;
  const decisionOf = async (thread: string) => (await turnOf(thread)).tools.find((t) => t.name === "care_decision")?.result as CareDecision | undefined;
  const policyUpdates = async () => (await rt.store.policyState.binding("main"))?.seq ?? 0;

  beforeEach(async () => {
    rt = await testRuntime({
      customers: [
        customer({ customer_id: "c-known", price: 300_000, churn_risk_est: 0.5 }),
        customer({ customer_id: "c-vip", price: 800_000, churn_risk_est: 0.5 }),
      ],
    });
    app = testApp(rt);
  });
  afterEach(async () => rt?.close());

  it("answers a known customer's complaint with the care decision (one interaction, one policy update) and keeps the ticket", async () => {
    const thread = randomUUID();
    const out = await say(thread, COMPLAINT, "c-known");
    expect(out.status).toBe(200);
    expect(out.body.status).toBe("answered");
    expect(out.body.turn.tools).toEqual(["open_ticket", "care_decision"]);

    const decision = (await decisionOf(thread))!;
    const [interaction, ...others] = await rt.store.interactions.list();
    expect(others).toHaveLength(0);
    expect(interaction).toMatchObject({ interaction_id: decision.interaction_id, customer_id: "c-known", message_source: "policy", learned: true });
    expect(interaction!.template).toBe(decision.template);
    expect(interaction!.score?.nps_expected).toEqual(expect.any(Number));
    expect(await policyUpdates()).toBe(1);
    // The care reply (the template as care's safety let it out) is the support part, followed by the ticket's line.
    const [ticket] = await rt.store.tickets.byCustomer("c-known");
    expect(out.body.reply).toBe(`${interaction!.message}\n\n${TEXTS.support.ticket_opened.replace("{{folio}}", ticket!.folio)}`);
  });

  it("runs no second care contact when the conversation's run is executed again, or its turn replayed after a crash", async () => {
    const thread = randomUUID();
    await say(thread, COMPLAINT, "c-known");
    const first = (await decisionOf(thread))!;
    const [chatRun] = await rt.store.runs.list(thread, { limit: 10, offset: 0 });

    // The queue hands the run out again (its worker died before recording its end).
    const again = await executeRun({ ...chatRun!, status: "running", attempts: 2 }, { rt, engine: langgraphEngine(rt, servedGraphs(rt)), signal: new AbortController().signal, emit: async () => undefined });
    expect(again.status).toBe("success");
    // The worker died inside the turn, before support's answer was saved: the turn goes on from the checkpoint before it.
    const history = [];
    for await (const s of rt.conversation.getStateHistory({ configurable: { thread_id: thread } })) history.push(s);
    const beforeSupport = history.find((s) => s.next.includes("support"))!;
    const replay = () => rt.conversation.invoke(null, { ...beforeSupport.config, context: { customer_id: "c-known", channel: "api" } });
    await replay();
    // And once more as if the care run itself had been cut off: its thread (the interaction id) left running, finished from its checkpoints.
    await rt.store.threads.upsert(first.interaction_id, "patch", { status: "running" });
    await replay();
    expect((await rt.store.threads.get(first.interaction_id))?.metadata).toMatchObject({ status: "done", recovered: true });

    expect((await decisionOf(thread))!.interaction_id).toBe(first.interaction_id);
    expect((await rt.store.interactions.list()).map((i) => i.interaction_id)).toEqual([first.interaction_id]);
    expect(await policyUpdates()).toBe(1);
  });

  it("sends no complaint of an anonymous visitor, nor of a customer the table does not hold, to the care graph", async () => {
    for (const who of [undefined, "c-unknown"]) {
      const thread = randomUUID();
      const out = await say(thread, COMPLAINT, who);
      expect(out.body).toMatchObject({ status: "answered", turn: { tools: ["open_ticket"] } });
      expect(out.body.reply).toMatch(/^Registré tu caso con el folio KV-\d+/);
    }
    expect(await rt.store.interactions.list()).toHaveLength(0);
    expect(await policyUpdates()).toBe(0);
  });

  it("hands an angry complaint of a high-value customer (priority 9) to a person, ticket kept, no care contact", async () => {
    const thread = randomUUID();
    const out = await say(thread, ANGRY, "c-vip");
    expect(out.status).toBe(202);
    expect(out.body).toMatchObject({ status: "handed_off", turn: { tools: ["open_ticket"] } });
    expect(out.body.reply).toContain(TEXTS.handoff.transition.priority);
    expect((await turnOf(thread)).escalation).toEqual({ reason: "priority", priority: SETTINGS.priority_threshold });
    expect(await rt.store.handoffs.pending()).toEqual([expect.objectContaining({ thread_id: thread, customer_id: "c-vip", reason: "priority", priority: 9 })]);
    expect(await rt.store.interactions.list()).toHaveLength(0);
    // The same words from a customer of lower value: below the threshold, the care graph answers.
    const calmer = await say(randomUUID(), ANGRY, "c-known");
    expect(calmer.body.turn.tools).toContain("care_decision");
  });

  it("hands the conversation to a person when the care run ends waiting for one, with care's reason", async () => {
    // A judge that reads the customer as about to leave: the care graph escalates after learning (churn_risk).
    const leaving: Judge = {
      kind: "simulated",
      score: async () => ({ nps_expected: 2, engagement_prob: 0.2, churn_prob: 0.95, aspect_sentiment: { finanzas: 0, mecanica: -0.8, logistica: 0, atencion: -0.5 }, rationale: "se quiere ir" }),
    };
    await rt.close();
    rt = await testRuntime({ customers: [customer({ customer_id: "c-leaving" })], judge: leaving });
    app = testApp(rt);
    const thread = randomUUID();
    const out = await say(thread, COMPLAINT, "c-leaving");
    expect(out.body.status).toBe("handed_off");
    expect(out.body.reply).toContain(TEXTS.handoff.transition.churn_risk);
    const decision = (await decisionOf(thread))!;
    expect(decision).toMatchObject({ reply: null, escalation: "churn_risk" });
    // The policy learned before the person was asked (care's order), once.
    expect(await rt.store.interactions.get(decision.interaction_id)).toMatchObject({ learned: true, template: decision.template });
    expect(await policyUpdates()).toBe(1);
    expect((await rt.store.handoffs.pending()).filter((h) => h.thread_id === thread)).toEqual([expect.objectContaining({ reason: "churn_risk", priority: SETTINGS.priorities.churn_risk })]);
  });
});
