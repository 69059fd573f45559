import { Command } from "@langchain/langgraph";
import { afterEach, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import type { JudgeScore } from "../../src/domain/judge-score.js";
import type { Judge, Writer } from "../../src/domain/ports.js";
import { customer, ctx, tempDbPath, testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

const customers = [
  customer({ customer_id: "ve", segment: "VE" }),
  customer({ customer_id: "nvf", segment: "NVF", is_vocal: false, first_message: "", issue_bucket: "finanzas" }),
  customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO a denunciarlos." }),
];

const score = (over: Partial<JudgeScore> = {}): JudgeScore => ({
  nps_expected: 7,
  engagement_prob: 0.6,
  churn_prob: 0.2,
  aspect_sentiment: { finanzas: 0, mecanica: 0.2, logistica: 0, atencion: 0 },
  rationale: "ok",
  ...over,
});
const fixedJudge = (s: JudgeScore): Judge => ({ kind: "llm", score: async () => s });
const writerSaying = (text: string): Writer => ({ kind: "llm", write: async () => text });

let rt: CareRuntime | undefined;
const cleanups: Array<() => void> = [];
afterEach(async () => {
  await rt?.close();
  rt = undefined;
  while (cleanups.length) cleanups.pop()!();
});

const run = (r: CareRuntime, input: Record<string, unknown>, thread: string, context = ctx()) =>
  r.graph.invoke(input as never, { configurable: { thread_id: thread }, context });
const resume = (r: CareRuntime, value: unknown, thread: string, context = ctx()) =>
  r.graph.invoke(new Command({ resume: value }), { configurable: { thread_id: thread }, context });
const pulls = async (r: CareRuntime, ns = "main") => (await r.deps.policies.get(ns, "thompson")).estimates().reduce((a, e) => a + e.n, 0);

describe("care graph", () => {
  it("answers a vocal customer, logs the interaction with its propensity, and learns once", async () => {
    rt = await testRuntime({ customers });
    const out = await run(rt, { customer_id: "ve" }, "t1");
    expect(out.contact.route).toBe("vocal");
    expect(out.contact.safety_verdict).toEqual({ verdict: "ok", rules: [] });
    expect(out.contact.outcome?.learned).toBe(true);
    const row = (await rt.store.interactions.get("t1"))!;
    expect(row).toMatchObject({ customer_id: "ve", template: out.contact.decision!.template, message_source: "policy", status: "scored", learned: true });
    expect(row.propensity).toBeGreaterThan(0);
    expect(row.reward).toBeCloseTo(out.contact.outcome!.reward!, 10);
    expect(await pulls(rt)).toBe(1);
  });

  it("reaches a silent customer through outreach", async () => {
    rt = await testRuntime({ customers });
    const out = await run(rt, { customer_id: "nvf" }, "t2");
    expect(out.contact.route).toBe("silent");
    expect((await rt.store.interactions.get("t2"))!.mode).toBe("outreach");
  });

  it("a replayed interaction updates the policy once", async () => {
    rt = await testRuntime({ customers });
    await run(rt, { customer_id: "ve", interaction_id: "i-1" }, "first-try");
    await run(rt, { customer_id: "ve", interaction_id: "i-1" }, "retry");
    expect(await pulls(rt)).toBe(1);
    expect(rawDb(rt).prepare("SELECT count(*) AS n FROM policy_updates WHERE interaction_id = 'i-1'").get()).toEqual({ n: 1 });
    expect((await rt.store.interactions.get("i-1"))!.learned).toBe(true);
  });

  it("refuses a second contact on a completed thread", async () => {
    rt = await testRuntime({ customers });
    await run(rt, { customer_id: "ve" }, "t3");
    await expect(run(rt, { customer_id: "ve" }, "t3")).rejects.toThrow(/already completed/);
  });

  it("sends the fallback on a fixable violation, scores it, and does not learn from it", async () => {
    rt = await testRuntime({ customers, writer: writerSaying("Hola, eso fue por tu culpa. Te llamamos en 24 horas.") });
    const out = await run(rt, { customer_id: "ve" }, "t4");
    expect(out.contact.safety_verdict?.rules).toEqual(["blame"]);
    expect(out.contact.draft?.source).toBe("fallback");
    expect(out.contact.score).not.toBeNull();
    expect(await rt.store.interactions.get("t4")).toMatchObject({ message_source: "fallback", status: "scored", learned: false });
    expect(await pulls(rt)).toBe(0);
  });

  it("falls back to the filled template when the writer fails", async () => {
    rt = await testRuntime({ customers, writer: { kind: "llm", write: async () => Promise.reject(new Error("boom")) } });
    const out = await run(rt, { customer_id: "ve" }, "t5");
    expect(out.contact.draft).toMatchObject({ source: "policy", writer_fallback: true });
    expect(out.contact.draft!.text).toContain("— ");
    expect(out.contact.outcome?.learned).toBe(true);
  });

  it("leaves the contact unscored and the policy untouched when the judge fails", async () => {
    rt = await testRuntime({ customers, judge: { kind: "llm", score: async () => Promise.reject(new Error("judge down")) } });
    const out = await run(rt, { customer_id: "ve" }, "t6");
    expect(out.contact.judge_error).toBe("judge down");
    expect(await rt.store.interactions.get("t6")).toMatchObject({ status: "unscored", learned: false, reward: null });
    expect(await pulls(rt)).toBe(0);
  });

  it("does not learn while the namespace is frozen", async () => {
    rt = await testRuntime({ customers });
    await rt.deps.policies.get("main", "thompson");
    await rt.deps.policies.setFrozen("main", true);
    await run(rt, { customer_id: "ve" }, "t7");
    expect((await rt.store.interactions.get("t7"))!.learned).toBe(false);
    expect(await pulls(rt)).toBe(0);
  });

  it("is compiled with the runtime's long-term memory, on the runtime's database", async () => {
    rt = await testRuntime({ customers });
    expect(rt.graph.store).toBe(rt.memory);
    await rt.memory.put(["profiles", "ve"], "prefs", { lang: "es" });
    expect(await rawDb(rt).prepare("SELECT count(*) AS n FROM memory_items").get()).toEqual({ n: 1 });
  });
});

describe("human review (Agent Inbox interrupts)", () => {
  const churny = () => testRuntime({ customers, judge: fixedJudge(score({ churn_prob: 0.95, nps_expected: 2 })) });

  it("interrupts with the HumanInterrupt shape and opens a hand-off", async () => {
    rt = await churny();
    const out = await run(rt, { customer_id: "ve" }, "h0");
    const [intr] = (out as { __interrupt__?: Array<{ value: unknown }> }).__interrupt__!;
    const [request] = intr!.value as Array<Record<string, any>>;
    expect(request).toMatchObject({
      action_request: { action: "reply_to_customer", args: { customer_id: "ve", message: out.contact.draft!.text } },
      config: { allow_accept: true, allow_edit: true, allow_respond: true, allow_ignore: true },
    });
    expect(request!.description).toMatch(/churn_risk/);
    expect((await rt.store.handoffs.pending()).map((h) => h.interaction_id)).toEqual(["h0"]);
  });

  it("learns from a high-churn judgement before the person acts (no censoring)", async () => {
    rt = await churny();
    await run(rt, { customer_id: "ve" }, "h1");
    expect(await pulls(rt)).toBe(1);
    expect((await rt.store.interactions.get("h1"))!.learned).toBe(true);
  });

  it("accept sends the draft", async () => {
    rt = await churny();
    const first = await run(rt, { customer_id: "ve" }, "ha");
    const out = await resume(rt, [{ type: "accept", args: null }], "ha");
    expect(out.contact.review).toEqual({ action: "accept", message: first.contact.draft!.text });
    expect(await rt.store.interactions.get("ha")).toMatchObject({ human_action: "accept", message: first.contact.draft!.text, message_source: "policy" });
    expect(await rt.store.handoffs.get("ha")).toMatchObject({ status: "resolved", resolution: "accept" });
    expect(await pulls(rt)).toBe(1);
  });

  it("edit sends the edited message", async () => {
    rt = await churny();
    await run(rt, { customer_id: "ve" }, "he");
    const edited = { type: "edit", args: { action: "reply_to_customer", args: { message: "Hola, te llamo hoy mismo. — Ana" } } };
    const out = await resume(rt, [edited], "he");
    expect(out.contact.review).toEqual({ action: "edit", message: "Hola, te llamo hoy mismo. — Ana" });
    expect(await rt.store.interactions.get("he")).toMatchObject({ human_action: "edit", message_source: "human" });
    expect(await pulls(rt)).toBe(1);
  });

  it("respond sends the person's answer (single response, not a list, accepted too)", async () => {
    rt = await testRuntime({ customers });
    await run(rt, { customer_id: "legal" }, "hr");
    const out = await resume(rt, { type: "response", args: "Hola, soy Luis de Legal; te llamo en 1 hora." }, "hr");
    expect(out.contact.review?.action).toBe("response");
    expect(await rt.store.interactions.get("hr")).toMatchObject({
      route: "severe",
      status: "human",
      message: "Hola, soy Luis de Legal; te llamo en 1 hora.",
      message_source: "human",
      escalation_reason: "legal_threat",
      learned: false,
    });
    expect(await pulls(rt)).toBe(0);
  });

  it("ignore sends nothing", async () => {
    rt = await testRuntime({ customers });
    await run(rt, { customer_id: "legal" }, "hi");
    await resume(rt, [{ type: "ignore", args: null }], "hi");
    expect(await rt.store.interactions.get("hi")).toMatchObject({ status: "ignored", message: null, message_source: "none" });
    expect(await rt.store.handoffs.pending()).toEqual([]);
  });

  it("refuses accept where there is no draft", async () => {
    rt = await testRuntime({ customers });
    await run(rt, { customer_id: "legal" }, "hx");
    await expect(resume(rt, [{ type: "accept", args: null }], "hx")).rejects.toThrow(/not allowed/);
  });

  it("escalates a severe safety violation, offering the person the fallback instead of the unsafe draft", async () => {
    rt = await testRuntime({ customers, writer: writerSaying("Hola, no sea idiota. Te llamamos en 24 horas.") });
    const out = await run(rt, { customer_id: "ve" }, "hs");
    expect(out.contact.escalation).toMatchObject({ reason: "safety_violation", detail: "blacklist" });
    const fallback = rt.deps.templates.get(out.contact.decision!.template)!.fallback;
    expect(out.contact.draft).toEqual({ text: fallback, source: "fallback" });
    const [intr] = (out as { __interrupt__?: Array<{ value: Array<{ action_request: { args: { message: string } }; description: string }> }> }).__interrupt__!;
    expect(intr!.value[0]!.action_request.args.message).toBe(fallback);
    expect(intr!.value[0]!.description).not.toContain("idiota");
    expect(await rt.store.handoffs.get("hs")).toMatchObject({ status: "pending", reason: "safety_violation", draft: fallback });
    await resume(rt, [{ type: "response", args: "Hola, una disculpa; te llamamos en 24 horas." }], "hs");
    expect(await rt.store.interactions.get("hs")).toMatchObject({ status: "human", learned: false });
  });

  it("checkpoints survive closing and reopening the SQLite file", async () => {
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    const first = await testRuntime({ customers, dbPath: tmp.path });
    await run(first, { customer_id: "legal" }, "durable");
    await first.close();

    rt = await testRuntime({ customers, dbPath: tmp.path });
    const snapshot = await rt.graph.getState({ configurable: { thread_id: "durable" } });
    expect(snapshot.next).toEqual(["human_review"]);
    expect(snapshot.values.contact.escalation?.reason).toBe("legal_threat");
    expect((await rt.store.handoffs.pending()).map((h) => h.interaction_id)).toEqual(["durable"]);
    const out = await resume(rt, [{ type: "response", args: "Hola, te llamamos en 2 horas." }], "durable");
    expect(out.contact.outcome?.status).toBe("human");
  });
});
