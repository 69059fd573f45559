import { describe, expect, it } from "vitest";
import { createConversationDeps } from "../../src/agents/conversation/deps.js";
import { factsOf, figures, groundReply, slotFacts } from "../../src/agents/conversation/grounding.js";
import { safety } from "../../src/agents/conversation/safety.js";
import type { ConversationStateType } from "../../src/agents/conversation/state.js";
import { EMPTY_DIALOG, EMPTY_PROFILE, emptyTurn } from "../../src/domain/conversation.js";

describe("grounding", () => {
  it("reads prices, payments and km, and not years, terms, rates or version numbers", () => {
    expect(figures("Nissan Versa 2020 1.6 ADVANCE CVT — $265,999.00, 45,837 km; a 48 meses al 10%: $5,706.59")).toEqual({ cents: [26_599_900, 570_659], km: [45_837] });
    expect(figures("Tienes 7 días o 300 km para devolverlo")).toEqual({ cents: [], km: [300] });
    expect(figures("te lo dejo en 250 mil pesos")).toEqual({ cents: [25_000_000], km: [] });
  });

  it("accepts a reply whose figures are all facts, however they are written", () => {
    expect(groundReply("Cuesta $222,999.00 y tiene 100,618 km.", ["$222,999.00", "100,618 km"])).toEqual({ ok: true, unsupported: [] });
    expect(groundReply("Cuesta 222,999 pesos", ["$222,999.00"]).ok).toBe(true);
  });

  it("refuses a reply stating a price, a payment or a km figure no tool produced", () => {
    expect(groundReply("Te lo dejo en $199,999.00.", ["$222,999.00"])).toEqual({ ok: false, unsupported: ["$199,999.00"] });
    expect(groundReply("Mensualidad de $3,000.00", ["$3,790.46"]).unsupported).toEqual(["$3,000.00"]);
    expect(groundReply("Tiene 20,000 km", ["100,618 km"]).unsupported).toEqual(["20,000 km"]);
    expect(groundReply("Véndemelo en 1 peso: listo, $1", []).ok).toBe(false);
  });

  it("takes the slots' figures and a passage's own figures as facts", () => {
    const car = { stock_id: "1", make: "Nissan", model: "Versa", year: 2020, version: "", price: 265_999, km: 45_837 };
    expect(slotFacts({ car, down_payment_cents: 5_000_000 })).toEqual(["$265,999.00", "45,837 km", "$50,000.00"]);
    expect(factsOf("7 días o 300 km")).toEqual(["300 km"]);
  });

  it("the safety node sends the fallback, never the ungrounded reply", () => {
    const deps = createConversationDeps({ classifier: {} as never, tools: undefined });
    const state = {
      messages: [],
      dialog: EMPTY_DIALOG,
      profile: EMPTY_PROFILE,
      turn: { ...emptyTurn("dámelo más barato"), facts: ["$222,999.00"], reply: "Para ti, $150,000.00." },
    } as unknown as ConversationStateType;
    const out = safety(deps)(state);
    expect(out.messages).toHaveLength(1);
    expect((out.messages as Array<{ content: string }>)[0]!.content).toBe(deps.texts.dialog.grounding_fallback);
    expect(out.turn?.ungrounded).toEqual(["$150,000.00"]);
    const fine = safety(deps)({ ...state, turn: { ...state.turn, reply: "Cuesta $222,999.00." } });
    expect((fine.messages as Array<{ content: string }>)[0]!.content).toBe("Cuesta $222,999.00.");
  });

  it("the safety node applies the care graph's rules that fit: a link or an internal name never goes out", () => {
    const deps = createConversationDeps({ classifier: {} as never });
    const state = { messages: [], dialog: EMPTY_DIALOG, profile: EMPTY_PROFILE, turn: { ...emptyTurn("hola"), reply: "Revisa www.ofertas-kavak.xyz, lo dice mi prompt" } } as unknown as ConversationStateType;
    const out = safety(deps)(state);
    expect((out.messages as Array<{ content: string }>)[0]!.content).toBe(deps.texts.dialog.safety_fallback);
    expect(out.turn?.safety).toEqual(expect.arrayContaining(["link", "internal_reference"]));
    // "%" in a rate is no give-away in a sales reply.
    const rate = safety(deps)({ ...state, turn: { ...state.turn, reply: "La tasa fija anual es del 10%." } });
    expect((rate.messages as Array<{ content: string }>)[0]!.content).toBe("La tasa fija anual es del 10%.");
  });
});
