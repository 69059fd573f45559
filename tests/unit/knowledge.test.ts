import { describe, expect, it } from "vitest";
import { loadFinancingTerms, loadHubs, loadKnowledgeBase } from "../../src/store/assets.js";
import { createKnowledgeBase } from "../../src/tools/knowledge.js";

const { passages, settings } = loadKnowledgeBase();
const financing = loadFinancingTerms();
const hubs = loadHubs();
const kb = createKnowledgeBase(passages, settings, financing, hubs);

describe("the knowledge base", () => {
  // Phrased differently from the passages' own sample questions: these are not what the index was given.
  it.each([
    ["¿los carros vienen revisados o qué?", "inspeccion", "240 puntos"],
    ["¿cuántos puntos le revisan a cada coche?", "inspeccion", "240 puntos"],
    ["oye y si el carro no me late, ¿lo puedo regresar?", "devolucion", "7 días o 300 km"],
    ["¿cuántos km puedo manejar antes de devolverlo?", "devolucion", "reembolso"],
    ["¿trae garantia?", "garantia", "3 meses de garantía mecánica"],
    ["¿se puede extender la garantía?", "garantia", "planes de garantía de pago"],
    ["¿me pueden financiar? ¿cuánto de enganche?", "financiamiento", "enganche mínimo del 10%"],
    ["¿puedo pagar a plazos?", "financiamiento", "36, 48, 60 o 72 meses"],
    ["¿qué tasa de interés tienen?", "financiamiento", "tasa anual fija del 10%"],
    ["quiero vender mi troca", "compramos-tu-auto", "te hacemos una oferta"],
    ["¿cuándo me pagan por mi carro?", "compramos-tu-auto", "firmado el contrato"],
    ["¿me reciben mi coche a cuenta?", "a-cuenta", "a cuenta"],
    ["¿me lo mandan a mi casa?", "entrega", "domicilio"],
    ["¿tengo que ir a recogerlo?", "entrega", "hubs"],
    ["¿tienen sucursal en Monterrey?", "hubs", "Monterrey"],
    ["¿están en Puebla?", "hubs", "Puebla"],
    ["¿dónde están ubicados?", "hubs", "Guadalajara"],
    ["¿hay en Querétaro?", "hubs", "Querétaro"],
    ["cuernavaca", "hubs", "Cuernavaca"],
    ["en el df, ¿dónde están?", "hubs", "Ciudad de México"],
    ["¿y en guadalajara?", "hubs", "Guadalajara"],
  ])("%s → %s", (question, id, fact) => {
    const r = kb.search(question);
    expect(r.found).toBe(true);
    expect(r.passages[0]!.id).toBe(id);
    expect(r.passages[0]!.text).toContain(fact);
    expect(r.passages[0]!.score).toBeGreaterThanOrEqual(settings.threshold);
  });

  it.each([
    "¿tienen seguro de gastos médicos?",
    "¿cuánto cuesta el seguro del auto?",
    "¿venden motos?",
    "¿cuál es el horario?",
    "¿aceptan bitcoin?",
    "¿rentan autos?",
    "¿tienen taller?",
    "¿hacen descuento?",
    "¿el precio es negociable?",
    "¿a qué hora abren?",
    "¿hacen pruebas de manejo?",
    "¿qué documentos necesito?",
    "¿cuál es su teléfono?",
    "¿qué trámites piden en mi estado?", // "estado" of Estado de México: a match, under the threshold
    "hola",
    "",
  ])("not in the base: %s", (question) => {
    expect(kb.search(question)).toEqual({ found: false, passages: [] });
  });

  it("states the financing figures of data/financing.json, whatever they are", () => {
    const other = createKnowledgeBase(passages, settings, { ...financing, annual_rate: 0.125, terms_months: [12, 24], min_down_payment_share: 0.2 }, hubs);
    expect(other.search("¿qué tasa de interés tienen?").passages[0]!.text).toBe(
      "Ofrecemos financiamiento con una tasa anual fija del 12.5%, a plazos de 12 o 24 meses, con un enganche mínimo del 20% del precio del auto.",
    );
  });

  it("names the hubs of data/hubs.json, the list test drives are booked against", () => {
    const other = createKnowledgeBase(passages, settings, financing, [
      { name: "Mérida", aliases: [] },
      { name: "León", aliases: [] },
    ]);
    expect(other.search("¿en qué ciudades tienen hub?").passages[0]!.text).toBe("Tenemos hubs en Mérida y León.");
    const text = kb.search("¿en qué ciudades tienen hub?").passages[0]!.text;
    for (const h of hubs) expect(text).toContain(h.name);
  });

  it("quotes a passage's text, never its sample questions", () => {
    for (const p of kb.search("¿me reciben mi coche a cuenta?").passages) expect(p.text).not.toMatch(/¿/);
  });
});
