import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import type { Dialog, LeadDraft, LeadKind } from "../../domain/conversation.js";
import { interpolate } from "../../domain/fill.js";
import { findHub } from "../../tools/desk.js";
import { listEs } from "../../tools/text.js";
import type { ConversationDeps } from "./deps.js";
import { finishTask } from "./dialog.js";
import { factsOf } from "./grounding.js";
import { carLabel, Contribution, deskCaller, refusals } from "./parts.js";
import type { ConversationStateType } from "./state.js";
import type { Heard } from "./understand.js";
import { leadKindOf as kindOf } from "./words.js";
import { dayLabel, isoWhen, readWhen } from "./when.js";

/** Whether a message gives what a deal of this kind needs: the customer's car (name, year, km), or a test drive's day, time or hub. */
export function leadDetailsIn(kind: LeadKind, h: Heard, deps: ConversationDeps): boolean {
  if (kind === "test_drive") {
    const when = readWhen(h.text, deps.now());
    return when.day !== undefined || when.time !== undefined || hubIn(h.text, deps) !== undefined;
  }
  const own = ownCarFrom(h);
  return kind === "sell_car" || kind === "trade_in" ? Object.keys(own).length > 0 : false;
}

/** A hub the text names, by one to three consecutive words. */
function hubIn(text: string, deps: ConversationDeps): string | undefined {
  const words = text.replace(/[¿?¡!,;:.()]/g, " ").split(/\s+/).filter(Boolean);
  for (let n = 3; n >= 1; n--)
    for (let i = 0; i + n <= words.length; i++) {
      const hub = findHub(deps.tools.hubs, words.slice(i, i + n).join(" "));
      if (hub) return hub.name;
    }
  return undefined;
}

/** The customer's own car as the message describes it: the first car it names, its year, its km. */
function ownCarFrom(h: Heard): NonNullable<LeadDraft["own_car"]> {
  const name = h.car.names[0];
  const q = h.car.query;
  return {
    ...(name?.make ? { make: name.make } : {}),
    ...(name?.model ? { model: name.model } : {}),
    ...(q.year_min !== undefined && q.year_min === q.year_max ? { year: q.year_min } : {}),
    ...(q.km_max !== undefined ? { km: q.km_max } : {}),
  };
}

type Step = { dialog: Dialog; done: boolean };

/** Selling the customer's car, or leaving it as part of a payment: its make, model, year and km, then a lead. */
async function ownCarLead(draft: LeadDraft, h: Heard, d: Dialog, deps: ConversationDeps, c: Contribution, state: ConversationStateType, config: LangGraphRunnableConfig): Promise<Step> {
  const t = deps.texts.sales;
  const first = draft.own_car === undefined;
  const car = { ...draft.own_car, ...ownCarFrom(h) };
  const target = draft.kind === "trade_in" && d.slots.car ? interpolate(t.lead_car, { car: carLabel(d.slots.car) }) : "";
  const what = t.lead_kinds[draft.kind] + target;
  const missing = [!car.make || !car.model ? t.own_car_fields.make_model : "", car.year === undefined ? t.own_car_fields.year : "", car.km === undefined ? t.own_car_fields.km : ""].filter(Boolean);
  if (first) {
    // What happens next, from the base: the offer, the inspection, the payment.
    const id = deps.settings.lead_passages[draft.kind];
    const passage = id === undefined ? undefined : deps.tools.knowledge.search(h.text, 8).passages.find((p) => p.id === id);
    if (passage) {
      c.say(deps.texts.company.answer, { text: passage.text });
      c.facts.push(...factsOf(passage.text));
    }
  }
  if (missing.length > 0 || !car.make || !car.model || car.year === undefined || car.km === undefined) {
    c.say(t.ask_own_car, { what, missing: listEs(missing, "y") });
    return { dialog: { ...d, slots: { ...d.slots, lead: { ...draft, own_car: car } } }, done: false };
  }
  const own = { make: car.make, model: car.model, year: car.year, km: car.km };
  const args = draft.kind === "trade_in" && d.slots.car ? { kind: draft.kind, car: own, car_id: d.slots.car.stock_id } : { kind: draft.kind as "sell_car" | "trade_in", car: own };
  const r = await deps.desk!.createLead(deskCaller(state, config), args);
  c.called("create_lead", args, r);
  if (!r.ok) {
    c.say(t.desk_refused, { reasons: refusals(r) });
    const { year: _year, ...rest } = own;
    return { dialog: { ...d, slots: { ...d.slots, lead: { ...draft, own_car: rest } } }, done: false };
  }
  c.say(t.lead_created, { what, own_car: `${own.make} ${own.model} ${own.year}` });
  return { dialog: d, done: true };
}

/** A test drive: the car, a day, a time and a hub, then the booking; the desk's refusals are asked again. */
async function testDrive(draft: LeadDraft, h: Heard, d: Dialog, deps: ConversationDeps, c: Contribution, state: ConversationStateType, config: LangGraphRunnableConfig): Promise<Step> {
  const t = deps.texts.sales;
  const when = readWhen(h.text, deps.now());
  const next: LeadDraft = { ...draft, ...(when.day ? { day: when.day } : {}), ...(when.time ? { time: when.time } : {}) };
  const hub = hubIn(h.text, deps);
  if (hub) next.hub = hub;
  const car = d.slots.car;
  const f = t.test_drive_fields;
  const missing = [!car ? f.car : "", !next.day ? f.day : "", !next.time ? f.time : "", !next.hub ? interpolate(f.hub, { hubs: listEs(deps.tools.hubs.map((x) => x.name), "o") }) : ""].filter(Boolean);
  const what = t.lead_kinds.test_drive + (car ? interpolate(t.lead_car, { car: carLabel(car) }) : "");
  if (!car || !next.day || !next.time || !next.hub) {
    c.say(t.ask_test_drive, { what, missing: listEs(missing, "y") });
    return { dialog: { ...d, slots: { ...d.slots, lead: next } }, done: false };
  }
  const args = { car_id: car.stock_id, date: isoWhen(next.day, next.time), hub: next.hub };
  const r = await deps.desk!.bookTestDrive(deskCaller(state, config), args);
  c.called("book_test_drive", args, r);
  if (!r.ok) {
    c.say(t.desk_refused, { reasons: refusals(r) });
    const wrong = new Set(r.refusals.map((x) => x.field));
    const kept: LeadDraft = { kind: next.kind, ...(wrong.has("date") ? {} : { day: next.day, time: next.time }), ...(wrong.has("hub") ? {} : { hub: next.hub }) };
    return { dialog: { ...d, slots: { ...d.slots, lead: kept } }, done: false };
  }
  c.say(t.test_drive_booked, { car: carLabel(car), day: dayLabel(next.day), time: next.time, hub: next.hub });
  return { dialog: d, done: true };
}

/**
 * A step towards a deal, set up across turns. On the desk: selling or trading in the customer's car, a test
 * drive. Reserving or buying a car (the desk takes no such lead) and any deal without a desk: a person.
 */
export async function lead(h: Heard, d: Dialog, deps: ConversationDeps, c: Contribution, state: ConversationStateType, config: LangGraphRunnableConfig): Promise<Dialog> {
  const t = deps.texts.sales;
  const kind = kindOf(h.text, deps.settings) ?? d.slots.lead?.kind ?? "buy";
  const draft: LeadDraft = d.slots.lead?.kind === kind ? d.slots.lead : { kind };
  const onDesk = deps.desk !== undefined && (kind === "sell_car" || kind === "trade_in" || kind === "test_drive");
  if (!onDesk) {
    const car = d.slots.car;
    const what = t.lead_kinds[kind] + (car && kind !== "sell_car" && kind !== "trade_in" ? interpolate(t.lead_car, { car: carLabel(car) }) : "");
    c.say(t.lead, { what });
    c.escalation = { reason: "lead", priority: deps.settings.priorities.lead };
    return finishTask({ ...d, slots: { ...d.slots, lead: undefined } }, "sales");
  }
  const step = kind === "test_drive" ? await testDrive(draft, h, d, deps, c, state, config) : await ownCarLead(draft, h, d, deps, c, state, config);
  return step.done ? finishTask({ ...step.dialog, slots: { ...step.dialog.slots, lead: undefined } }, "sales") : step.dialog;
}
