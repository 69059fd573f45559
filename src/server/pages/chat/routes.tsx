import { Hono, type Context } from "hono";
import type { Child } from "hono/jsx";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import type { CareRuntime } from "../../../app/care-runtime.js";
import { queueChatTurn } from "../../../app/chat-turns.js";
import type { SaidMessage } from "../../../app/conversation-runs.js";
import { joined, personState, turnCars, webChatView } from "../../../app/web-chat.js";
import { interpolate } from "../../../domain/fill.js";
import { redactPii } from "../../../domain/pii.js";
import type { WebChatSettings, WebChatTexts } from "../../../domain/web-chat.js";
import { loadWebChatSettings, loadWebChatTexts } from "../../../store/assets.js";
import type { AppEnv } from "../../env.js";
import { HttpError, parseWith } from "../../helper/http.js";
import { inLine } from "../../middleware/admission.js";
import { clientAddress, rateLimit } from "../../middleware/rate-limit.js";
import { csrf } from "../../middleware/session.js";
import { threadEvents } from "../live.js";
import type { PagesOptions } from "../options.js";
import { Bubble, CarCards, ChatPage, Entry, PersonStatus, type ChatPageProps } from "./components.js";
import { chatSession, chatThread } from "./identity.js";

/** A message as the form posts it (the same fields with or without JS). */
const messageForm = (s: WebChatSettings, t: WebChatTexts) =>
  z.object({
    message: z
      .string({ error: t.empty })
      .trim()
      .min(1, t.empty)
      .max(s.max_message_chars, interpolate(t.too_long, { max: String(s.max_message_chars) })),
    _csrf: z.string().optional(),
  });

/**
 * The customers' web chat: an anonymous visitor, known by a cookie, talks to the conversation graph on their
 * own thread (channel "web"). The form posts plainly (the page comes back with the answer); with chat.js the
 * same post asks for a stream and reads the turn as the run writes it.
 */
export function chatPages(rt: CareRuntime, o: PagesOptions): Hono<AppEnv> {
  const s = o.webChat?.settings ?? loadWebChatSettings();
  const t = o.webChat?.texts ?? loadWebChatTexts();
  const Form = messageForm(s, t);
  const page = async (c: Context<AppEnv>, extra: Pick<ChatPageProps, "error" | "draft"> = {}, status: ContentfulStatusCode = 200) => {
    // A post refused for want of a chat (no cookie) shows an empty one: the next GET starts it.
    const threadId = c.get("chat")?.threadId;
    const view = threadId ? await webChatView(rt.store, threadId, { limit: s.transcript_lines }) : { entries: [], person: { state: "none" as const }, last: 0 };
    return c.html(<ChatPage t={t} view={view} csrf={c.get("csrf")} maxChars={s.max_message_chars} events="/chat/events" {...extra} />, status);
  };

  return (
    new Hono<AppEnv>()
      // The chat's own session (its cookie, its CSRF token), and the console's CSRF check on every post.
      .use("*", chatSession({ ...o.cookies, days: s.cookie_days }), csrf())
      .get("/", (c) => page(c))
      // What a live event announced: the lines after `after`, and whether a person is in the conversation.
      .get("/updates", async (c) => {
        const { after } = parseWith(Updates, c.req.query(), "query");
        const view = await webChatView(rt.store, chatThread(c), { limit: s.transcript_lines, afterId: after });
        c.header("X-Chat-Last", String(view.last));
        return c.html(
          <>
            {view.entries.map((entry) => (
              <Entry t={t} entry={entry} />
            ))}
            <PersonStatus t={t} person={view.person} />
          </>,
        );
      })
      // A person joining or writing, live: this visitor's thread only (the cookie's, never a thread the request names).
      .get(
        "/events",
        threadEvents(rt, (c) => c.get("chat")?.threadId, {
          // A visitor mints a new chat with any cookie-less request: the address is what holds them to a few streams.
          cap: (c) => (o.streams ? { streams: o.streams.perAddress, key: clientAddress(c, o.cookies.trustProxy) } : undefined),
        }),
      )
      .post("/messages", rateLimit({ perSecond: s.messages_per_second, burst: s.message_burst, trustProxy: o.cookies.trustProxy }), async (c) => {
        const streamed = wantsStream(c);
        const threadId = chatThread(c);
        const body = await c.req.parseBody();
        const form = Form.safeParse(body);
        if (!form.success) {
          const error = form.error.issues.map((i) => i.message).join(" ");
          return streamed ? c.json({ error: { code: "invalid_request", message: error } }, 400) : page(c, { error, draft: typeof body.message === "string" ? body.message : "" }, 400);
        }
        if (!streamed) {
          // Without JS: the answer is on the page that follows (post, redirect, get). The request waits for the
          // run, as /v1's do, so it takes a place in the run line first (a streamed turn only reads, as streams do).
          const release = o.runSlots ? await inLine(o.runSlots, c.req.raw.signal, true) : () => undefined;
          try {
            const run = await queueChatTurn(rt, threadId, { message: form.data.message, context: { channel: "web" }, request_id: c.get("requestId") });
            const end = await o.runs.watcher.end(run.run_id, c.req.raw.signal);
            if (end?.status !== "success") return page(c, { error: t.failed }, 503);
            return c.redirect("/chat#chat-form", 303);
          } finally {
            release();
          }
        }
        const run = await queueChatTurn(rt, threadId, { message: form.data.message, context: { channel: "web" }, request_id: c.get("requestId"), stream: true });
        return streamSSE(c, async (sse) => {
          const signal = c.req.raw.signal;
          // The customer's line as the transcript will keep it (masked), keyed as it is: a reload shows it once.
          await send(sse, "line", <Bubble t={t} author="customer" text={redactPii(form.data.message)} dataKey={`${threadId}:${run.run_id}`} />);
          for await (const e of o.runs.watcher.events(run.run_id, 0, signal)) {
            if (e.event !== "message") continue;
            const m = e.data as SaidMessage;
            await send(sse, "line", <Bubble t={t} author="bot" text={m.text} dataKey={`${threadId}:${m.id}`} />);
          }
          const end = await o.runs.watcher.end(run.run_id, signal);
          if (!end) return;
          if (end.status !== "success") return void (await send(sse, "failed", <>{t.failed}</>));
          const cars = await turnCars(rt.store, run.run_id);
          if (cars.length > 0) await send(sse, "line", <CarCards t={t} cars={cars} dataKey={`cars:${run.run_id}`} />);
          const person = await personState(rt.store, threadId);
          if (person.state === "joined") await send(sse, "line", <Entry t={t} entry={joined(person.agent)} />);
          await send(sse, "person", <PersonStatus t={t} person={person} />);
          await sse.writeSSE({ event: "done", data: "" });
        });
      })
      // A refusal in the customer's words, on their own page (chat.js shows it above the form); anything else is
      // the pages' error (the database unavailable) or the app's.
      .onError((e, c) => {
        if (!(e instanceof HttpError)) throw e;
        const error = e.status === 403 ? t.expired : e.status === 429 ? t.rate_limited : e.status < 500 ? e.message : t.failed;
        if (wantsStream(c)) return c.json({ error: { code: e.code, message: error } }, e.status);
        return page(c, { error }, e.status);
      })
  );
}

/** chat.js posts asking for the turn's stream; a plain form does not. */
const wantsStream = (c: Context) => (c.req.header("accept") ?? "").includes("text/event-stream");

const Updates = z.object({ after: z.coerce.number().int().min(0) });

/** One piece of the page, rendered, as an event chat.js inserts. */
async function send(sse: SSEStreamingApi, event: string, html: Child): Promise<void> {
  // A JSX node renders to a string, or to a promise of one when a component is async.
  await sse.writeSSE({ event, data: String(await (html as { toString(): string | Promise<string> }).toString()) });
}
