import type { ConversationDeps } from "./deps.js";
import { Contribution } from "./parts.js";
import type { ConversationStateType, ConversationUpdate } from "./state.js";
import { isInjection } from "./understand.js";
import { hasWord } from "./words.js";

/**
 * Greetings, thanks, goodbyes and acknowledgements (emoji too); and the answer to what the service does not
 * do: a scope statement, a refusal for an instruction aimed at the bot, never its content echoed.
 */
export function greeting(deps: ConversationDeps) {
  return (state: ConversationStateType): ConversationUpdate => {
    const { turn } = state;
    const t = deps.texts.greeting;
    const words = deps.settings.greeting_words;
    const c = new Contribution("greeting");
    const withTask = turn.intents.some((i) => i !== "greeting" && i !== "out_of_scope");
    if (turn.intents.includes("greeting")) {
      if (hasWord(turn.text, words.bye)) c.say(t.bye, {}, "greeting");
      else if (hasWord(turn.text, words.thanks)) {
        if (!withTask) c.say(t.thanks, {}, "greeting");
      } else if (hasWord(turn.text, words.hello)) {
        const firstTurn = (state.messages ?? []).filter((m) => m.getType() === "human").length === 1;
        c.say(withTask ? t.hello_short : firstTurn && (state.profile?.turns ?? 0) > 0 ? t.hello_again : t.hello, {}, "greeting");
      } else if (!withTask) c.say(t.ack, {}, "greeting");
    }
    if (turn.intents.includes("out_of_scope")) {
      c.say(turn.text === "" ? t.empty : isInjection(turn.text, deps) ? t.injection : t.scope, {}, "scope");
    }
    return { turn: c.into(turn) };
  };
}
