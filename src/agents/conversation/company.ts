import type { ConversationDeps } from "./deps.js";
import { factsOf } from "./grounding.js";
import { Contribution } from "./parts.js";
import type { ConversationStateType, ConversationUpdate } from "./state.js";

/**
 * Company information from the knowledge base only: the best passage, quoted; nothing found, the agent says
 * it does not have it and offers a person, never a guess.
 */
export function company(deps: ConversationDeps) {
  return (state: ConversationStateType): ConversationUpdate => {
    const { turn } = state;
    const c = new Contribution("company");
    const question = turn.text;
    const result = deps.tools.knowledge.search(question);
    c.called("search_knowledge", { question }, result);
    // The financing facts are the sales agent's to give when the turn asks for financing too.
    const leftToSales = turn.intents.includes("financing") ? deps.settings.financing_passages : [];
    const best = result.passages.find((p) => !leftToSales.includes(p.id));
    if (!result.found) c.say(deps.texts.company.unknown);
    else if (best) {
      c.say(deps.texts.company.answer, { text: best.text });
      // The passage's own figures ("7 días o 300 km") may be stated: they come from the base.
      c.facts.push(...factsOf(best.text));
    }
    return { turn: c.into(turn) };
  };
}
