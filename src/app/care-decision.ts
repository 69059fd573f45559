import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import type { CareDecision, CareDecisionInput, CareLink } from "../agents/conversation/deps.js";
import type { CareRuntime } from "./care-runtime.js";
import { finishedRun, recoverThread, runOnThread } from "./contacts.js";

/**
 * The conversation graph's way to the care graph (its deps' `care`): a complaint is one care contact on its own
 * thread, run as /v1 runs one (runOnThread: the thread's bookkeeping, a hand-off escalates ownership). The same
 * thread asked again — the conversation's run redelivered — is finished from its checkpoints (recoverThread) or
 * read back (finishedRun), never run twice: one interaction, one policy update.
 */
export function careLink(rt: () => CareRuntime): CareLink {
  return {
    customer: (id) => rt().store.customers.get(id),
    decide: (input) => detached(() => decide(rt(), input)),
  };
}

async function decide(rt: CareRuntime, input: CareDecisionInput): Promise<CareDecision> {
  // The contact's run id is its thread: what finishedRun matches to read a finished contact back.
  const done = (await recoverThread(rt, input.thread_id)) ?? (await finishedRun(rt, input.thread_id, input.thread_id));
  const { state, outcome } =
    done ?? (await runOnThread(rt, { customer_id: input.customer_id, message: input.message, thread_id: input.thread_id, run_id: input.thread_id }, input.signal));
  const escalation = outcome.status === "handed_off" ? (state.contact.escalation?.reason ?? null) : null;
  return { interaction_id: outcome.interaction_id, reply: outcome.reply, template: state.contact.decision?.template ?? null, escalation };
}

/**
 * Called from inside a conversation node, a graph invoked as is would find that node's run in the async context
 * and join it as a subgraph (its checkpoint namespace, its interrupts bubbling up into the conversation). The
 * care contact is a run of its own.
 */
function detached<T>(fn: () => Promise<T>): Promise<T> {
  return AsyncLocalStorageProviderSingleton.getInstance().run(undefined, fn);
}
