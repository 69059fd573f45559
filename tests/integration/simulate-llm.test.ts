import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Driver } from "../../src/app/eval/check.js";
import { runSimulation } from "../../src/app/eval/simulate.js";
import { simulationParts } from "../../src/app/eval/simulation-parts.js";
import { ModelConfig } from "../../src/models/config.js";
import { loadCatalog, loadScenarios } from "../../src/store/assets.js";
import { FakeOpenAI, type ChatRequest } from "../helpers/fake-openai.js";

let fake: FakeOpenAI;
beforeAll(async () => void (fake = await new FakeOpenAI().start()));
afterAll(() => fake.stop());

const schemaName = (r: ChatRequest) => r.response_format?.json_schema?.name;

// Greets until asked about Monterrey, then answers from the knowledge base.
const desk: Driver = async (_t, message) =>
  /monterrey/i.test(message)
    ? { reply: "Tenemos hubs en Ciudad de México, Guadalajara y Monterrey.", turn: { intents: ["company_info"], tools: [{ name: "search_knowledge" }] }, interrupted: false }
    : { reply: "¡Hola! ¿Qué buscas?", turn: { intents: ["greeting"], tools: [] }, interrupted: false };

describe("simulated customers online: a model plays the customer, a model judges", () => {
  it("the same runner, with the model's messages, and the judge's structured verdict", async () => {
    fake.reply(
      (r) => (expect(schemaName(r)).toBe("customer_message"), { kind: "content", content: JSON.stringify({ message: "¿Tienen sucursal en Monterrey?", done: false }) }),
      (r) => (expect(schemaName(r)).toBe("conversation_verdict"), { kind: "content", content: JSON.stringify({ score: 7.5, rationale: "Lo logró en dos turnos." }) }),
    );
    const scenario = loadScenarios().find((s) => s.id === "info-hub-monterrey")!;
    const { customerFor, judge } = simulationParts(ModelConfig.parse({ baseUrl: fake.url, maxRetries: 0 }));
    expect(judge.kind).toBe("llm");
    const report = await runSimulation([scenario], desk, customerFor, judge, loadCatalog(), { seed: 1 });
    expect(report.results[0]).toMatchObject({ goalMet: true, turns: 2, stop: "goal", score: 7.5, rationale: "Lo logró en dos turnos." });
    expect(report.results[0]!.history.map((x) => x.customer)).toEqual([scenario.opening, "¿Tienen sucursal en Monterrey?"]);

    const [asked, judged] = fake.requests;
    // The customer's prompt: its persona and goal; the bot's reply comes as the other party's turn.
    expect(asked!.messages[0]!.content).toContain(scenario.goal.description);
    expect(asked!.messages[0]!.content).toContain('"tone":"directo"');
    expect(asked!.messages.slice(1).map((m) => m.role)).toEqual(["assistant", "user"]);
    expect(asked!.messages.at(-1)!.content).toBe("¡Hola! ¿Qué buscas?");
    // The judge reads the whole conversation and what the checker found.
    expect(judged!.messages[1]!.content).toContain("Asistente: Tenemos hubs en Ciudad de México, Guadalajara y Monterrey.");
    expect(judged!.messages[1]!.content).toContain("Verificador automático: cumplido");
  });

  it("a judge that fails leaves the conversation unscored, with the reason", async () => {
    fake.reply({ kind: "error", status: 400, message: "bad request" });
    const scenario = loadScenarios().find((s) => s.id === "info-warranty")!;
    const { customerFor, judge } = simulationParts(ModelConfig.parse({ baseUrl: fake.url, maxRetries: 0 }));
    const kb: Driver = async () => ({ reply: "Cada auto incluye 3 meses de garantía mecánica.", turn: { intents: ["company_info"], tools: [{ name: "search_knowledge" }] }, interrupted: false });
    const report = await runSimulation([scenario], kb, customerFor, judge, loadCatalog(), { seed: 1 });
    expect(report.results[0]).toMatchObject({ goalMet: true, score: null });
    expect(report.results[0]!.error).toMatch(/the judge failed/);
    expect(report.totals.meanScore).toBeNull();
  });
});
