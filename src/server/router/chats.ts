import type { AppEnv } from "../env.js";
import { Hono } from "hono";
import { z } from "zod";
import { ConversationContext } from "../../agents/conversation/state.js";
import type { CareRuntime } from "../../app/care-runtime.js";
import type { ChatOutcome } from "../../app/conversation-runs.js";
import { CONVERSATION_GRAPH_ID } from "../../app/runs/graphs.js";
import { ChatThreadRefusedError, queueChatTurn } from "../../app/chat-turns.js";
import type { RunWatcher } from "../../app/runs/watch.js";
import { conflict, HttpError, notFound, parseWith, readJson } from "../helper/http.js";
import { endError } from "../helper/run-end.js";

/** One customer message: the text (bounded: the graph reads the first part of a longer one) and who writes. */
export const ChatMessageRequest = z
  .object({
    message: z.string().max(10_000),
    customer_id: ConversationContext.shape.customer_id,
    channel: z.enum(["api", "web"]).default("api"),
  })
  .strict();

const ThreadId = z.string().uuid();

/**
 * A conversation with the conversation graph over /v1: a thread the client names (a UUID it keeps), one message
 * a request, queued like every run and waited for. Channels (WhatsApp, Telegram) queue the same runs.
 */
export function chatsRouter(rt: CareRuntime, watcher: RunWatcher) {
  return new Hono<AppEnv>()
    .post("/:thread_id/messages", async (c) => {
      const threadId = parseWith(ThreadId, c.req.param("thread_id"), "path");
      const body = await readJson(c, ChatMessageRequest);
      const run = await queueChatTurn(rt, threadId, { message: body.message, context: { customer_id: body.customer_id, channel: body.channel }, request_id: c.get("requestId") }).catch((e: unknown) => {
        throw e instanceof ChatThreadRefusedError ? conflict(e.message) : e;
      });
      const end = await watcher.end(run.run_id, c.req.raw.signal);
      if (!end) throw new HttpError(503, "abandoned", "the client left before the reply was written; the message was accepted");
      if (end.status !== "success") throw endError(end);
      const out = end.output as ChatOutcome;
      return c.json(out, out.status === "handed_off" ? 202 : 200);
    })
    .get("/:thread_id", async (c) => {
      const threadId = parseWith(ThreadId, c.req.param("thread_id"), "path");
      const thread = await rt.store.threads.get(threadId);
      if (!thread || thread.metadata.graph_id !== CONVERSATION_GRAPH_ID) throw notFound(`conversation ${threadId}`);
      // From the transcript: every line of the thread, whatever channel or run wrote it, people's answers too.
      const lines = await rt.store.transcript.thread(threadId, { limit: 1000 });
      return c.json({ thread_id: threadId, status: thread.status, messages: lines.map((l) => ({ author: l.author, channel: l.channel, text: l.text, at: l.created_at })) });
    });
}
