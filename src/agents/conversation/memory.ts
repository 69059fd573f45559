import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { EMPTY_PROFILE, Profile, type Dialog } from "../../domain/conversation.js";
import type { ConversationDeps } from "./deps.js";
import { carLabel } from "./parts.js";
import { dialogOf, readConversationContext, type ConversationStateType, type ConversationUpdate } from "./state.js";

const KEY = "profile";

/** ["profiles", customer id], or the thread's id for an anonymous visitor. */
export function profileNamespace(config: LangGraphRunnableConfig): string[] {
  return ["profiles", readConversationContext(config).customer_id ?? String(config.configurable?.thread_id ?? "anonymous")];
}

/** Start of a turn: the long-term profile from the store (none, or none stored: an empty one). */
export function loadMemory() {
  return async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    const item = await config.store?.get(profileNamespace(config), KEY);
    const parsed = Profile.safeParse(item?.value);
    return { profile: parsed.success ? parsed.data : EMPTY_PROFILE, dialog: dialogOf(state) };
  };
}

/** What the turn taught about the customer: budget, the cars looked at, the financing they prefer, their tickets. */
export function updatedProfile(p: Profile, d: Dialog, maxInterests: number): Profile {
  const s = d.slots;
  const looked = [...(s.car ? [carLabel(s.car)] : []), ...(d.query?.make ? [[d.query.make, d.query.model].filter(Boolean).join(" ")] : [])];
  const interests = [...new Set([...looked, ...p.interests])].slice(0, maxInterests);
  // The slots hold one kind of down payment at a time; the profile keeps the latest the customer gave.
  const down =
    s.down_payment_cents !== undefined ? { down_payment_cents: s.down_payment_cents } : s.down_payment_pct !== undefined ? { down_payment_pct: s.down_payment_pct } : undefined;
  const financing = { ...(down ? { term_months: p.financing.term_months, ...down } : p.financing), ...(s.term_months !== undefined ? { term_months: s.term_months } : {}) };
  const open_tickets = s.ticket_folio && !p.open_tickets.includes(s.ticket_folio) ? [...p.open_tickets, s.ticket_folio] : p.open_tickets;
  return Profile.parse({ ...p, budget_max_cents: s.budget_max_cents ?? p.budget_max_cents, interests, financing, open_tickets, turns: p.turns + 1 });
}

/** End of a turn: the profile written back (no store configured: nothing to keep). */
export function remember(deps: ConversationDeps) {
  return async (state: ConversationStateType, config: LangGraphRunnableConfig): Promise<ConversationUpdate> => {
    if (!config.store) return {};
    const profile = updatedProfile(state.profile ?? EMPTY_PROFILE, dialogOf(state), deps.settings.max_interests);
    await config.store.put(profileNamespace(config), KEY, profile);
    return { profile };
  };
}
