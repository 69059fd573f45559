import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { redactPii } from "../../domain/pii.js";
import type { ConversationDeps } from "./deps.js";
import { finishTask } from "./dialog.js";
import { Contribution } from "./parts.js";
import { dialogOf, readConversationContext, type ConversationStateType, type ConversationUpdate } from "./state.js";

/** A folio as a customer writes it back ("KV-1234", "folio 1234"). */
const FOLIO = /\b(?:folio\s*#?\s*)?([A-Z]{1,4}-\d{3,})\b|\bfolio\s*#?\s*(\d{3,})\b/i;
/** What a ticket keeps of the customer's words: masked, and short. */
const SUMMARY_CHARS = 300;
/** A ticket at or above this priority goes to a person at once (the rule). */
const PERSON_PRIORITY = 9;

/**
 * After-sale support over the desk: a ticket's status when the message names a folio, else a new ticket.
 * Without a desk the agent makes no promise it cannot keep: a person takes the case.
 */
export function support(deps: ConversationDeps) {
  return async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    let d = dialogOf(state);
    const { turn } = state;
    const t = deps.texts.support;
    const c = new Contribution("support");
    const desk = deps.desk;
    if (!desk) {
      c.say(t.no_desk);
      c.escalation = { reason: "support", priority: deps.settings.priorities.support };
      return { dialog: finishTask(d, "support"), turn: c.into(turn) };
    }
    const named = FOLIO.exec(turn.text);
    const folio = named ? (named[1] ?? named[2])!.toUpperCase() : undefined;
    if (folio) {
      const ticket = await desk.ticketStatus(folio);
      c.called("ticket_status", { folio }, ticket);
      c.say(ticket ? t.ticket_status : t.ticket_unknown, { folio, status: ticket?.status ?? "" });
      if (ticket) d = { ...d, slots: { ...d.slots, ticket_folio: ticket.folio } };
    } else {
      const thread = String(config.configurable?.thread_id ?? "");
      const args = { customer_id: readConversationContext(config).customer_id ?? thread, thread_id: thread, summary: redactPii(turn.text).slice(0, SUMMARY_CHARS) };
      const ticket = await desk.openTicket(args);
      c.called("open_ticket", args, ticket);
      c.say(t.ticket_opened, { folio: ticket.folio });
      d = { ...d, slots: { ...d.slots, ticket_folio: ticket.folio } };
      if (ticket.priority >= PERSON_PRIORITY) c.escalation = { reason: "priority", priority: ticket.priority };
    }
    return { dialog: finishTask(d, "support"), turn: c.into(turn) };
  };
}
