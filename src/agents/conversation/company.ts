import type { ConversationDeps } from "./deps.js";
import { factsOf } from "./grounding.js";
import { Contribution } from "./parts.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "./state.js";

/**
 * Company information from the knowledge base only: the best passage, quoted; nothing found, the agent says
 * it does not have it and offers a person, never a guess.
 */
export function company(deps: ConversationDeps) {
  return (state: ConversationStateType): ConversationUpdate => {
    const { turn } = state;
    const c = new Contribution("company");
    const d = dialogOf(state);
    let question = turn.text;
    let result = deps.tools.knowledge.search(question);
    // A follow-up names no topic of its own ("¿y se puede extender?"): asked again with the last topic, and
    // taken only when its own words add to the match (the topic alone would find its passage whatever was asked).
    if (!result.found && d.topic) {
      const followUp = deps.tools.knowledge.search(`${d.topic}: ${turn.text}`);
      const hit = followUp.passages[0];
      const topicAlone = hit ? (deps.tools.knowledge.search(d.topic).passages.find((p) => p.id === hit.id)?.score ?? 0) : Infinity;
      if (hit && hit.score > topicAlone) (question = `${d.topic}: ${turn.text}`), (result = followUp);
    }
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
    return { dialog: best ? { ...d, topic: best.title } : d, turn: c.into(turn) };
  };
}
