import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { classifyMessage } from "../../domain/message-class.js";
import { redactPii } from "../../domain/pii.js";
import { interpolate } from "../../domain/fill.js";
import { careDecision, complainant, urgent } from "./complaint.js";
import type { ConversationDeps } from "./deps.js";
import { finishTask } from "./dialog.js";
import { factsOf } from "./grounding.js";
import { Contribution, deskCaller, refusals } from "./parts.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "./state.js";
import { hasWord } from "./words.js";

/** A folio as a customer writes it back ("KV-000123", "kv-000123"). */
const FOLIO = /\bKV-\d{6,}\b/i;

/**
 * A plate in the text: one word of letters and digits that reads as an accepted shape ("XYZ-000-A", "abc123d");
 * when the message speaks of fines, also two or three words ("abc 123 d"). Loose windows over any message
 * would read "500 del" in "$3,500 del trámite" as a plate.
 */
export function findPlate(text: string, deps: Pick<ConversationDeps, "plates">, aboutFines: boolean): string | undefined {
  const words = text.split(/\s+/).map((w) => w.replace(/^[¿¡(]+|[?!.,;:)]+$/g, "")).filter(Boolean);
  for (let n = 1; n <= (aboutFines ? 3 : 1); n++)
    for (let i = 0; i + n <= words.length; i++) {
      const span = words.slice(i, i + n);
      if (n === 1 && !(/\d/.test(span[0]!) && /\p{L}/u.test(span[0]!))) continue;
      const plate = deps.plates.parse(span.join(" "));
      if (plate) return plate;
    }
  return undefined;
}

/**
 * After-sale support over the desk: fines by plate; a ticket's status (by folio, or the customer's open
 * ones); closing it; a follow-up on this conversation's ticket as a note; else a new ticket. A known
 * customer's complaint (a note or a new ticket) also goes through the care graph, whose reply comes before
 * the ticket's line (complaint.ts). Without a desk the agent makes no promise it cannot keep: a person takes the case.
 */
export function support(deps: ConversationDeps) {
  return async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    let d = dialogOf(state);
    const { turn } = state;
    const t = deps.texts.support;
    const words = deps.settings.support_words;
    const c = new Contribution("support");
    const text = turn.text;

    const aboutFines = hasWord(text, words.fines);
    const plate = findPlate(text, deps, aboutFines);
    if (aboutFines || plate) {
      if (!plate) {
        // The task stays open: the plate that comes next is its answer.
        c.say(t.ask_plate, { examples: deps.plates.examples.join(", ") });
        return { dialog: d, turn: c.into(turn) };
      } else {
        const found = await deps.fines({ plate });
        c.called("lookup_fines", { plate }, found);
        c.say(t.fines, { message: found.ok ? found.message : refusals(found) });
        if (found.ok) c.facts.push(found.pending_total, ...found.fines.map((f) => f.amount));
        d = { ...d, slots: { ...d.slots, plate } };
      }
      return { dialog: finishTask(d, "support"), turn: c.into(turn) };
    }

    const desk = deps.desk;
    if (!desk) {
      c.say(t.no_desk);
      c.escalation = { reason: "support", priority: deps.settings.priorities.support };
      return { dialog: finishTask(d, "support"), turn: c.into(turn) };
    }
    const caller = deskCaller(state, config);
    const named = FOLIO.exec(text)?.[0].toUpperCase();
    const folio = named ?? d.slots.ticket_folio;
    const masked = redactPii(text);
    // A known customer's message: a person at the priority threshold; below it, a complaint gets care's decision.
    const who = await complainant(text, deps, config);
    const toCare = who && !urgent(who, c, deps) ? who : undefined;
    const careOn = () => (toCare ? careDecision(toCare, masked, c, state, deps, config) : Promise.resolve());

    if (folio && hasWord(text, words.close)) {
      const args = { folio, resolution: masked };
      const r = await desk.closeTicket(caller, args);
      c.called("close_ticket", args, r);
      c.say(r.ok ? t.closed : t.refused, { folio, reasons: refusals(r) });
    } else if (named || hasWord(text, words.status)) {
      const args = named ? { folio: named } : d.slots.ticket_folio ? { folio: d.slots.ticket_folio } : {};
      const r = await desk.ticketStatus(caller, args);
      c.called("ticket_status", args, r);
      if (r.ok) {
        const lines = r.tickets.map((k) => interpolate(t.ticket_line, { folio: k.folio, status: t.statuses[k.status], summary: k.summary }));
        // A summary is the customer's own words, figures included: the desk's record backs them.
        for (const k of r.tickets) c.facts.push(...factsOf(k.summary));
        c.say(t.ticket_status, { lines: lines.join("\n") });
      } else c.say(`${t.refused} ${t.folio_hint}`, { reasons: refusals(r) });
    } else if (d.slots.ticket_folio) {
      // More about the case this conversation opened: a note on it, not a second ticket.
      const args = { folio: d.slots.ticket_folio, text: masked };
      const r = await desk.addTicketNote(caller, args);
      c.called("add_ticket_note", args, r);
      await careOn();
      c.say(r.ok ? t.note_added : t.refused, { folio: d.slots.ticket_folio, reasons: refusals(r) });
    } else {
      const args = { issue_bucket: classifyMessage(text, deps.issueKeywords).issue, summary: masked };
      const r = await desk.openTicket(caller, args);
      c.called("open_ticket", args, r);
      await careOn();
      if (r.ok) {
        c.say(t.ticket_opened, { folio: r.ticket.folio });
        d = { ...d, slots: { ...d.slots, ticket_folio: r.ticket.folio } };
      } else c.say(t.refused, { reasons: refusals(r) });
    }
    return { dialog: d, turn: c.into(turn) };
  };
}
