import type { CareDeps } from "./deps.js";
import { incomingMessage } from "./router.js";
import { readContext } from "./context.js";
import { modeOf, type CareStateType, type CareUpdate } from "./state.js";

/**
 * Scores the message about to be sent. A failing judge leaves the contact unscored (and the policy
 * untouched) rather than failing it: the message is still good to send.
 */
export function judge(deps: CareDeps) {
  return async (state: CareStateType, config: { context?: unknown; signal?: AbortSignal }): Promise<CareUpdate> => {
    const ctx = readContext(config);
    const customer = (await deps.store.customers.get(state.customer_id))!;
    const { draft, context, route, decision } = state.contact;
    try {
      const score = await deps.judge.score(
        {
          drawKey: ctx.draw_key ?? state.interaction_id!,
          customer,
          incoming: incomingMessage(state, customer),
          context: context!,
          mode: modeOf(route)!,
          // A fallback is not the template's text: the judge must not credit the template with it.
          template: draft!.source === "policy" ? (decision?.template ?? null) : null,
          message: draft!.text,
        },
        config.signal,
      );
      if (deps.judge.kind === "llm") deps.observer.llm("judge", "ok");
      return { contact: { score, judge_error: undefined } };
    } catch (e) {
      deps.observer.llm("judge", "failed");
      return { contact: { score: null, judge_error: (e as Error).message.slice(0, 500) } };
    }
  };
}
