import { ThreadCompletedError, UnknownCustomerError } from "../../agents/router.js";
import { InvalidHumanResponseError } from "../../agents/human-review.js";
import { PolicyBindingError } from "../../policy/book.js";
import { redactPii } from "../../domain/pii.js";
import type { FinalRunStatus, RunRecord } from "../../store/ports.js";
import type { CareRuntime } from "../care-runtime.js";
import {
  ConversationOwnedError,
  finishedRun,
  HandoffRefusedError,
  recoverThread,
  resolveHandoff,
  runOnThread,
  ThreadInUseError,
  type ContactOutcome,
} from "../contacts.js";
import { resolveConversationHandoff } from "../conversation-handoffs.js";
import { runChat, type SaidMessage } from "../conversation-runs.js";
import { queueMessage } from "../messages.js";
import { CARE_GRAPH_ID, CONVERSATION_GRAPH_ID } from "./graphs.js";
import type { LanggraphEngine } from "./engine.js";
import { RunKwargs } from "./kwargs.js";
import { readSse } from "./sse.js";

/** How a run ended, as the run's last event (`end`) records it for whoever joins. */
export interface RunEnd {
  status: FinalRunStatus;
  /** contact and resolve: the ContactOutcome; platform: the thread's values as the run left them. */
  output?: unknown;
  error?: { name: string; message: string };
}

/** A run the rules refuse (the caller's doing): ended with its error at once, never retried. */
export class RunRefusedError extends Error {
  override readonly name = "RunRefusedError";
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const REFUSALS = [ConversationOwnedError, ThreadInUseError, HandoffRefusedError, UnknownCustomerError, ThreadCompletedError, PolicyBindingError, InvalidHumanResponseError, RunRefusedError];
export const isRefusal = (e: unknown): boolean => REFUSALS.some((k) => e instanceof k);

/** An error as a run keeps it: its class name and its message, masked (it may quote a customer's text). */
export const runError = (e: unknown): { name: string; message: string } => ({
  name: e instanceof Error ? e.name : "Error",
  message: redactPii(e instanceof Error ? e.message : String(e)).slice(0, 500),
});

export interface ExecuteOptions {
  rt: CareRuntime;
  engine: LanggraphEngine;
  /** Stores one stream chunk of the run (platform runs: every event the embedded server writes). */
  emit(event: string, data: unknown): Promise<void>;
  signal: AbortSignal;
}

/**
 * Runs one queued run to its end. A run taken again after its worker died (attempts > 1) first finishes
 * what the earlier attempt left on its thread (recoverThread: from the last checkpoint, never repeating a
 * node that was saved, its effects keyed), so a redelivery is invisible to the customer.
 */
export async function executeRun(run: RunRecord, o: ExecuteOptions): Promise<RunEnd> {
  const k = RunKwargs.parse(run.kwargs);
  // The care graph's recovery; a chat turn finds its own message in its thread (runChat).
  if (run.attempts > 1 && (run.assistant_id ?? CARE_GRAPH_ID) === CARE_GRAPH_ID) {
    const recovered = (await recoverThread(o.rt, run.thread_id)) ?? (await finishedRun(o.rt, run.thread_id, run.run_id));
    if (recovered) {
      if (k.kind === "contact" && k.channel) await answerInbound(o.rt, run.run_id, k.channel.message_sid, contactReply(recovered.outcome));
      return { status: "success", output: k.kind === "platform" ? recovered.state : recovered.outcome };
    }
  }
  switch (k.kind) {
    case "contact": {
      const { outcome } = await runOnThread(
        o.rt,
        { customer_id: k.customer_id, message: k.message, priority: k.priority, interaction_id: k.interaction_id, thread_id: run.thread_id, context: k.context, request_id: k.request_id, run_id: run.run_id },
        o.signal,
      );
      if (k.channel) await answerInbound(o.rt, run.run_id, k.channel.message_sid, contactReply(outcome));
      return { status: "success", output: outcome };
    }
    case "resolve": {
      const out =
        run.assistant_id === CONVERSATION_GRAPH_ID
          ? await resolveConversationHandoff(o.rt, k.interaction_id, k.agent, k.response, run.run_id, o.signal)
          : await resolveHandoff(o.rt, k.interaction_id, k.agent, k.response, o.signal, k.request_id, run.run_id);
      if (typeof out === "string") throw new RunRefusedError(`hand-off ${k.interaction_id}: ${out}`, out);
      return { status: "success", output: out };
    }
    case "chat": {
      // Only a turn someone follows writes its messages as events: each one is a commit and a notification.
      const onMessage = k.stream ? (m: SaidMessage) => o.emit("message", m) : undefined;
      const outcome = await runChat(o.rt, { thread_id: run.thread_id, message: k.message, context: k.context, run_id: run.run_id, inbound: k.inbound !== undefined, signal: o.signal, onMessage });
      if (k.inbound) await answerInbound(o.rt, run.run_id, k.inbound.message_sid, { reply: outcome.reply, handedOff: outcome.status === "handed_off" });
      return { status: "success", output: outcome };
    }
    case "platform":
      return streamPlatformRun(run, k.payload, o);
  }
}

/**
 * A LangGraph-route run through the embedded server's `runs/stream`, every event kept. Its errors arrive
 * as an `error` event (the server catches them), and bookkeptGraph has done the thread's bookkeeping by
 * then: the run ends `error`, not retried (a model's transient failures are retried inside the run).
 */
async function streamPlatformRun(run: RunRecord, payload: Record<string, unknown>, o: ExecuteOptions): Promise<RunEnd> {
  const res = await o.engine.request(`/threads/${run.thread_id}/runs/stream`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...payload, metadata: { ...(payload.metadata as object | undefined), run_id: run.run_id } }),
    signal: o.signal,
  });
  if (!res.ok || !res.body) throw new Error(`the embedded LangGraph server answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  let error: RunEnd["error"];
  for await (const e of readSse(res.body)) {
    let data: unknown = JSON.parse(e.data);
    if (e.event === "error") {
      // Kept in run_events and answered to joiners: masked and bounded as every run's error is (runError).
      const { error: name, message } = data as { error?: unknown; message?: unknown };
      error = { name: String(name ?? "Error"), message: redactPii(String(message ?? "")).slice(0, 500) };
      data = { ...(data as object), message: error.message };
    }
    await o.emit(e.event, data);
  }
  if (o.signal.aborted) throw o.signal.reason ?? new Error("aborted");
  const graph = run.assistant_id === "conversation" ? o.rt.conversation : o.rt.graph;
  const state = await graph.getState({ configurable: { thread_id: run.thread_id } });
  const waiting = state.tasks.flatMap((t) => t.interrupts ?? []);
  const output = asPlatformJson({ ...(state.values as object), ...(waiting.length ? { __interrupt__: waiting } : {}) });
  // As the Platform: a run that stopped at an interrupt() succeeded (its thread is the one `interrupted`);
  // a run's own `interrupted` is for a cancel.
  return error ? { status: "error", error, output } : { status: "success", output };
}

/**
 * The reply to an inbound WhatsApp message, through the outbox (keyed by the run: queued once however often
 * the run is executed), and the message marked answered, in one transaction.
 */
async function answerInbound(rt: CareRuntime, runId: string, sid: string, out: { reply: string | null; handedOff: boolean }): Promise<void> {
  await rt.store.transaction(async (tx) => {
    if (out.reply !== null) await queueMessage(tx, `${runId}:reply`, (await tx.inbound.get(sid))!.customer_id, "bot", out.reply);
    await tx.inbound.finish(sid, out.handedOff ? "human" : "answered", out.reply);
  });
}

const contactReply = (out: ContactOutcome) => ({ reply: out.reply, handedOff: out.status === "handed_off" });

/** A channel message whose run failed for good is marked so (a person sees it in the conversation). */
export async function failInbound(rt: CareRuntime, run: RunRecord): Promise<void> {
  const k = RunKwargs.safeParse(run.kwargs);
  const sid = !k.success ? undefined : k.data.kind === "contact" ? k.data.channel?.message_sid : k.data.kind === "chat" ? k.data.inbound?.message_sid : undefined;
  if (sid) await rt.store.inbound.finish(sid, "failed", null);
}

/**
 * Values as the Platform answers them: a LangChain message as `{ type: "ai", content, … }` (its toDict), not the
 * `{ lc, type: "constructor" }` form its own toJSON writes. The embedded server does the same for its events.
 */
function asPlatformJson(values: object): unknown {
  return JSON.parse(
    JSON.stringify(values, function (this: Record<string, unknown>, key, value) {
      const raw = this[key] as { toDict?: () => { type: string; data: object } } | null;
      if (raw && typeof raw === "object" && typeof raw.toDict === "function") {
        const { type, data } = raw.toDict();
        return { ...data, type };
      }
      return value;
    }),
  );
}
