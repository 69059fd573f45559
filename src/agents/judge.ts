import type { CareDeps } from "./deps.js";
import { incomingMessage } from "./router.js";
import type { CareStateType, CareUpdate } from "./state.js";

/**
 * Scores the message about to be sent. A failing judge leaves the contact unscored (and the policy
 * untouched) rather than failing it: the message is still good to send.
 */
export function judge(deps: CareDeps) {
  return async (state: CareStateType, config: { signal?: AbortSignal }): Promise<CareUpdate> => {
    const customer = deps.customers.get(state.customer_id)!;
    const draft = state.draft!;
    try {
      const score = await deps.judge.score(
        {
          drawKey: state.draw_key ?? state.interaction_id!,
          customer,
          incoming: incomingMessage(state, customer),
          context: state.context!,
          mode: state.mode!,
          // A fallback is not the template's text: the judge must not credit the template with it.
          template: draft.source === "policy" ? (state.decision?.template ?? null) : null,
          message: draft.text,
        },
        config.signal,
      );
      return { score, judge_error: undefined };
    } catch (e) {
      return { score: null, judge_error: (e as Error).message.slice(0, 500) };
    }
  };
}
