import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { readSse } from "../../src/app/runs/sse.js";
import { formatKm, formatPesos } from "../../src/tools/index.js";
import { testApp } from "../helpers/app.js";
import { FakeOpenAI, type ChatRequest } from "../helpers/fake-openai.js";
import { testRuntime } from "../helpers/runtime.js";

const isUnderstand = (req: ChatRequest) => req.response_format?.type === "json_schema";
const understood = (intents: string[]) => ({
  kind: "content" as const,
  content: JSON.stringify({ intents, budget_max_pesos: null, down_payment_pesos: null, down_payment_percent: null, term_months: null }),
});
const toolResult = (req: ChatRequest) => {
  const m = req.messages.at(-1)!;
  return m.role === "tool" ? (JSON.parse(m.content!) as { cars: Array<{ make: string; model: string; year: number; price: number; km: number }> }) : undefined;
};

/**
 * The web chat on a real model's wire format: the turn streams what the graph releases, whole and checked. A
 * model's reply is never shown as it is written: a made-up price is replaced before anything reaches the page.
 */
describe("the web chat on a model (fake OpenAI server)", () => {
  let fake: FakeOpenAI;
  let rt: CareRuntime;
  let app: ReturnType<typeof testApp>;
  let said = (_car: NonNullable<ReturnType<typeof toolResult>>["cars"][number]) => "";

  beforeAll(async () => {
    fake = await new FakeOpenAI().start();
    fake.otherwise((req) => {
      if (isUnderstand(req)) return understood(["car_search"]);
      const result = toolResult(req);
      if (!result) return { kind: "tool_call", name: "search_catalog", args: { make: "Nissan", model: "Versa", year_min: 2020 } };
      return { kind: "content", content: said(result.cars[0]!) };
    });
    rt = await testRuntime({ customers: [], models: { baseUrl: fake.url, apiKey: "test-key", writerModel: "gpt-4o-mini", maxRetries: 0, retryBaseMs: 5, timeoutMs: 5000 } });
    app = testApp(rt);
  });
  afterAll(async () => {
    await rt?.close();
    await fake?.stop();
  });

  async function turn(message: string) {
    const first = await app.request("/chat");
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await first.text())![1]!;
    const r = await app.request("/chat/messages", {
      method: "POST",
      headers: { cookie, accept: "text/event-stream", "x-csrf-token": csrf, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ message }),
    });
    const events: Array<{ event: string; data: string }> = [];
    for await (const e of readSse(r.body!)) events.push(e);
    return events;
  }

  it("streams the model's checked answer and the cars its tool call returned", async () => {
    said = (car) => `Tengo el ${car.make} ${car.model} ${car.year} en ${formatPesos(Math.round(car.price * 100))}, con ${formatKm(car.km)}.`;
    const events = await turn("busco un versa 2020");
    expect(events.map((e) => e.event)).toEqual(["line", "line", "line", "person", "done"]);
    expect(events[1]!.data).toMatch(/Tengo el Nissan Versa 2020 en \$265,999\.00, con 45,837 km\./);
    expect(events[2]!.data).toContain("car-card");
    expect(events[2]!.data).toContain("$265,999.00");
    // Every model call was made out of any stream: the page gets whole, checked messages, never tokens.
    expect(fake.requests.every((r) => !r.stream)).toBe(true);
  });

  it("never shows a made-up price: the safety node's replacement is what streams", async () => {
    said = (car) => `El ${car.model} te sale en $99,999.00 solo hoy.`;
    const events = await turn("busco un versa 2020");
    const bot = events.filter((e) => e.event === "line" && e.data.includes("msg-bot")).map((e) => e.data);
    expect(bot.length).toBeGreaterThan(0);
    expect(bot.join("\n")).not.toContain("99,999");
  });
});
