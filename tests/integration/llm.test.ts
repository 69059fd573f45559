import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { modelConfigFromEnv } from "../../src/config.js";
import { usesLlm } from "../../src/models/config.js";
import { FakeOpenAI, type ChatRequest, type Reply } from "../helpers/fake-openai.js";
import { customer, ctx, testRuntime } from "../helpers/runtime.js";

const judgeAnswer = {
  nps_expected: 8.5,
  engagement_prob: 0.7,
  churn_prob: 0.1,
  aspect_sentiment: { finanzas: 0, mecanica: 0.6, logistica: 0, atencion: 0.2 },
  rationale: "Reconoce la falla y da un plazo claro.",
};
const REWRITE = "Hola, lamentamos la falla de tu auto. Lo revisamos en taller y te llamamos en menos de 48 horas. — Equipo Kavak";
const isJudge = (req: ChatRequest) => req.response_format?.type === "json_schema";
/** Writer requests get a rewrite; judge requests get `judge`. */
const route = (judge: Reply) => (req: ChatRequest): Reply => (isJudge(req) ? judge : { kind: "content", content: REWRITE });

let fake: FakeOpenAI;
let rt: CareRuntime | undefined;
beforeAll(async () => {
  fake = await new FakeOpenAI().start();
});
afterAll(() => fake.stop());
afterEach(async () => {
  await rt?.close();
  rt = undefined;
  fake.requests.length = 0;
});

function llmRuntime() {
  return testRuntime({
    customers: [customer({ customer_id: "ve" })],
    models: { baseUrl: fake.url, apiKey: "test-key", writerModel: "writer-m", judgeModel: "judge-m", maxRetries: 2, retryBaseMs: 5, timeoutMs: 400 },
  });
}
const run = (r: CareRuntime, thread: string) => r.graph.invoke({ customer_id: "ve" }, { configurable: { thread_id: thread }, context: ctx() });
const pulls = async (r: CareRuntime) => (await r.deps.policies.get("main", "thompson")).estimates().reduce((a, e) => a + e.n, 0);
const judgeRequests = () => fake.requests.filter(isJudge);

describe("real LLM path against an OpenAI-compatible server on 127.0.0.1", () => {
  it("is chosen by OPENAI_BASE_URL or OPENAI_API_KEY, offline otherwise", () => {
    expect(usesLlm(modelConfigFromEnv({}))).toBe(false);
    expect(usesLlm(modelConfigFromEnv({ OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }))).toBe(true);
    expect(usesLlm(modelConfigFromEnv({ OPENAI_API_KEY: "k" }))).toBe(true);
  });

  it("rewrites with the writer model and scores with a JSON-schema judge answer", async () => {
    fake.otherwise(route({ kind: "content", content: JSON.stringify(judgeAnswer) }));
    rt = await llmRuntime();
    const out = await run(rt, "llm-ok");
    expect(out.contact.draft?.text).toBe(REWRITE);
    expect(out.contact.score).toEqual(judgeAnswer);
    expect(out.contact.outcome?.learned).toBe(true);
    const [judgeReq] = judgeRequests();
    expect(judgeReq!.model).toBe("judge-m");
    expect(judgeReq!.response_format!.json_schema!.name).toBe("judge_score");
    expect(JSON.stringify(judgeReq!.response_format!.json_schema!.schema)).toContain("nps_expected");
    expect(fake.requests.find((r) => !isJudge(r))!.model).toBe("writer-m");
    expect(fake.requests[0]!.messages[0]!.content).toContain("Máximo 150 palabras");
  });

  it("cuts an over-long rationale instead of losing the score", async () => {
    fake.otherwise(route({ kind: "content", content: JSON.stringify({ ...judgeAnswer, rationale: "x".repeat(400) }) }));
    rt = await llmRuntime();
    const out = await run(rt, "llm-long");
    expect(out.contact.score?.rationale).toHaveLength(280);
  });

  it("leaves a malformed judge answer unscored and the policy untouched", async () => {
    fake.otherwise(route({ kind: "content", content: '{"nps_expected": "muy alto"' }));
    rt = await llmRuntime();
    const out = await run(rt, "llm-bad");
    expect(out.contact.score).toBeNull();
    expect(out.contact.judge_error).toBeTruthy();
    expect(await rt.store.interactions.get("llm-bad")).toMatchObject({ status: "unscored", learned: false });
    expect(await pulls(rt)).toBe(0);
  });

  it("treats an out-of-range judge answer as malformed", async () => {
    fake.otherwise(route({ kind: "content", content: JSON.stringify({ ...judgeAnswer, churn_prob: 1.7 }) }));
    rt = await llmRuntime();
    expect((await run(rt, "llm-range")).contact.score).toBeNull();
  });

  it("treats a tool call where JSON was asked as malformed", async () => {
    fake.otherwise(route({ kind: "tool_call", name: "judge_score", args: judgeAnswer }));
    rt = await llmRuntime();
    const out = await run(rt, "llm-tool");
    expect(out.contact.score).toBeNull();
    expect(await pulls(rt)).toBe(0);
  });

  it("retries a 429 with backoff, then scores", async () => {
    let judged = 0;
    fake.otherwise((req) => {
      if (!isJudge(req)) return { kind: "content", content: REWRITE };
      return judged++ === 0 ? { kind: "error", status: 429, message: "Rate limit reached" } : { kind: "content", content: JSON.stringify(judgeAnswer) };
    });
    rt = await llmRuntime();
    const out = await run(rt, "llm-429");
    expect(judgeRequests()).toHaveLength(2);
    expect(out.contact.score).toEqual(judgeAnswer);
    expect(await pulls(rt)).toBe(1);
  });

  it("honours Retry-After on a 429", async () => {
    let judged = 0;
    fake.otherwise((req) => {
      if (!isJudge(req)) return { kind: "content", content: REWRITE };
      return judged++ === 0
        ? { kind: "error", status: 429, message: "slow down", headers: { "retry-after-ms": "300" } }
        : { kind: "content", content: JSON.stringify(judgeAnswer) };
    });
    rt = await llmRuntime();
    const t0 = Date.now();
    await run(rt, "llm-retry-after");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it("gives up after the configured retries on 500s: unscored, nothing lost", async () => {
    fake.otherwise(route({ kind: "error", status: 500, message: "internal" }));
    rt = await llmRuntime();
    const out = await run(rt, "llm-500");
    expect(judgeRequests()).toHaveLength(3);
    expect(out.contact.score).toBeNull();
    expect(await rt.store.interactions.get("llm-500")).toMatchObject({ status: "unscored", message_source: "policy" });
  });

  it("does not retry a 400", async () => {
    fake.otherwise(route({ kind: "error", status: 400, message: "bad request" }));
    rt = await llmRuntime();
    await run(rt, "llm-400");
    expect(judgeRequests()).toHaveLength(1);
  });

  it("times out a hanging judge and moves on", async () => {
    fake.otherwise(route({ kind: "hang" }));
    rt = await llmRuntime();
    const t0 = Date.now();
    const out = await run(rt, "llm-hang");
    expect(out.contact.score).toBeNull();
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("sends the filled template when the writer fails", async () => {
    fake.otherwise((req) => (isJudge(req) ? { kind: "content", content: JSON.stringify(judgeAnswer) } : { kind: "error", status: 503, message: "down" }));
    rt = await llmRuntime();
    const out = await run(rt, "llm-writer-down");
    expect(out.contact.draft).toMatchObject({ source: "policy", writer_fallback: true });
    expect(out.contact.draft!.text).not.toBe(REWRITE);
    expect(out.contact.score).toEqual(judgeAnswer);
  });
});
