import type { ReplyPart, TaskKind } from "../../domain/conversation.js";
import { interpolate } from "../../domain/fill.js";
import type { ConversationDeps } from "./deps.js";
import { finishOneTurnTasks, resumeTask, TASK_OF } from "./dialog.js";
import { dialogOf, type ConversationStateType, type ConversationUpdate } from "./state.js";

/** The order of a merged reply: the greeting, the tasks, what is out of scope, the resume question, the hand-over. */
const ORDER: readonly ReplyPart["kind"][] = ["greeting", "task", "scope", "resume", "handoff"];

/**
 * One reply from the agents' parts. A digression answered, the task it interrupted comes back with a
 * question ("¿Seguimos con el Versa?"), unless this turn dealt with that task itself. An escalation ends the
 * reply with the hand-over message, and from then on the bot waits for the person.
 */
export function compose(deps: ConversationDeps) {
  return (state: ConversationStateType): ConversationUpdate => {
    const { turn } = state;
    const t = deps.texts;
    const parts = [...turn.parts];
    const { dialog, resumed } = resumeTask(finishOneTurnTasks(dialogOf(state)));
    let d = dialog;
    const addressed = new Set(turn.intents.map((i) => TASK_OF[i]).filter((k): k is TaskKind => k !== undefined));
    if (resumed && !addressed.has(resumed.kind) && !turn.escalation) {
      const car = d.slots.car;
      const carTask = resumed.kind === "car_search" || resumed.kind === "financing" || resumed.kind === "sales";
      // A simulation that was waiting for the down payment asks for it again.
      const awaitingDown = resumed.kind === "financing" && d.slots.down_payment_cents === undefined && d.slots.down_payment_pct === undefined;
      const text = car && carTask ? interpolate(awaitingDown ? t.dialog.resume_down_payment : t.dialog.resume_car, { car: car.model }) : t.dialog.resume[resumed.kind];
      parts.push({ kind: "resume", agent: "compose", text });
    }
    if (turn.escalation) {
      parts.push({ kind: "handoff", agent: "compose", text: t.handoff.transition[turn.escalation.reason] });
      d = { ...d, waiting_for_person: true };
    }
    if (parts.length === 0) parts.push({ kind: "scope", agent: "compose", text: t.greeting.scope });
    // Two agents may quote the same passage (a rate question is financing and company information): once is enough.
    const texts = [...parts].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind)).map((p) => p.text);
    const reply = [...new Set(texts)].join("\n\n");
    return { dialog: d, turn: { ...turn, parts, reply } };
  };
}
