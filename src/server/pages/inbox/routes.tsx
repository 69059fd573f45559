import type { Context } from "hono";
import { Hono } from "hono";
import type { CareRuntime } from "../../../app/care-runtime.js";
import {
  ActionRefusedError,
  addHandoffNote,
  claimHandoff,
  handBackConversation,
  reassignHandoff,
  releaseHandoff,
  sendPersonMessage,
  submitAnswer,
  takeNextHandoff,
} from "../../../app/handoff-actions.js";
import { handoffCase, type HandoffCase } from "../../../app/handoff-case.js";
import type { HumanResponse } from "../../../domain/human.js";
import { hasRole } from "../../../domain/user.js";
import { loadCannedReplies, loadInboxSettings } from "../../../store/assets.js";
import type { InboxFilter } from "../../../store/handoffs.js";
import type { AppEnv } from "../../env.js";
import { HttpError, parseWith, readForm, readQuery } from "../../helper/http.js";
import { answerEnd } from "../../helper/run-end.js";
import { requireRole } from "../../middleware/session.js";
import { Page } from "../layout.js";
import { personCap, threadEvents } from "../live.js";
import type { PagesOptions } from "../options.js";
import { CaseBody, CaseState, Lines, ReplyBox, type CaseView } from "./case.js";
import { AnswerForm, CannedQuery, HandoffId, MessageForm, NoteForm, QueueQuery, ReassignForm } from "./forms.js";
import { caseHref, INBOX, Queue, QueueControls, QueueLive } from "./queue.js";

/** Why the rules refused an action, as the agent reads it. */
const REFUSED: Record<string, string> = {
  missing: "Ese hand-off ya no existe.",
  resolved: "Ese hand-off ya se resolvió.",
  not_claimed: "Primero toma el hand-off.",
  taken: "Otra persona ya tomó este hand-off.",
  in_progress: "Ya se está enviando una respuesta a este hand-off.",
  not_yours: "Este hand-off no lo tienes tú.",
  bot_owns: "El bot atiende esta conversación: toma el hand-off para escribir.",
  not_owner: "Otra persona atiende esta conversación.",
  whatsapp_window: "WhatsApp solo acepta mensajes libres hasta 24 horas después del último mensaje del cliente.",
  no_channel: "Ningún canal llega a este cliente.",
};

/** A refusal of the rules as the console answers it: the status /v1 gives, the words for a person. */
function refused(e: unknown): never {
  if (!(e instanceof ActionRefusedError)) throw e;
  const status = e.kind === "missing" ? 404 : e.kind === "forbidden" ? 403 : 409;
  throw new HttpError(status, "inbox_refused", REFUSED[e.why] ?? e.message);
}

/** After an action: htmx goes to `to` (a full load, so every part shows the new state); a plain form is redirected. */
function goTo(c: Context<AppEnv>, to: string) {
  if (c.req.header("hx-request")) {
    c.header("HX-Redirect", to);
    return c.body(null, 200);
  }
  return c.redirect(to, 303);
}

/**
 * The agents' inbox (/console/inbox): the queue of both graphs' hand-offs, and each hand-off's case with the
 * Agent Inbox actions. The signed-in person is the agent of every claim and answer; every rule is src/app's,
 * the same the /v1 API applies.
 */
export function inboxPages(rt: CareRuntime, o: PagesOptions): Hono<AppEnv> {
  const settings = loadInboxSettings();
  const canned = loadCannedReplies();
  const me = (c: Context<AppEnv>) => c.get("user")!.name;
  const filterOf = (q: QueueQuery, agent: string): InboxFilter => ({ graph: q.graph, channel: q.channel, reason: q.reason, minPriority: q.min, claimed: q.claimed, agent });
  const queuePage = (c: Context<AppEnv>, q: QueueQuery) => rt.store.handoffs.inbox(filterOf(q, me(c)), { limit: settings.page_size, after: q.after });
  const idOf = (c: Context<AppEnv>) => parseWith(HandoffId, c.req.param("id"), "path");
  const caseOf = async (c: Context<AppEnv>): Promise<HandoffCase> => {
    const k = await handoffCase(rt, idOf(c));
    if (!k) throw new HttpError(404, "not_found", "hand-off not found");
    return k;
  };
  const view = async (c: Context<AppEnv>): Promise<CaseView> => {
    const agents = (await rt.store.users.list()).filter((u) => !u.disabled && hasRole(u, ["agent"]) && u.name !== me(c)).map((u) => u.name);
    return { c, me: me(c), agents, s: settings, canned, now: Date.now() };
  };

  return new Hono<AppEnv>()
    .use("*", requireRole("agent"))
    .get("/", async (c) => {
      const q = readQuery(c, QueueQuery);
      const page = await queuePage(c, q);
      return c.html(
        <Page title="Bandeja" c={c} active="inbox" scripts={["sse"]} styles={["inbox"]}>
          <h1>Bandeja de hand-offs</h1>
          <div hx-ext="sse" sse-connect="/console/events">
            <QueueControls c={c} q={q} s={settings} />
            <QueueLive>
              <Queue page={page} q={q} s={settings} me={me(c)} now={Date.now()} />
            </QueueLive>
          </div>
        </Page>,
      );
    })
    .get("/queue", async (c) => {
      const q = readQuery(c, QueueQuery);
      return c.html(<Queue page={await queuePage(c, q)} q={q} s={settings} me={me(c)} now={Date.now()} />);
    })
    .post("/next", async (c) => {
      const q = await readForm(c, QueueQuery.omit({ after: true, claimed: true }).passthrough());
      const h = await takeNextHandoff(rt.store, me(c), { graph: q.graph, channel: q.channel, reason: q.reason, minPriority: q.min });
      if (!h) throw new HttpError(409, "inbox_refused", "No queda ningún hand-off sin tomar con estos filtros.");
      return goTo(c, caseHref(h.interaction_id));
    })
    .get("/canned", (c) => {
      const { id, target } = readQuery(c, CannedQuery);
      const reply = canned.find((r) => r.id === id);
      return c.html(<ReplyBox id={target} name="text" label={target === "message-box" ? "Mensaje al cliente" : "Tu respuesta"} value={reply?.text ?? ""} />);
    })
    .get("/h/:id", async (c) => {
      const k = await caseOf(c);
      return c.html(
        <Page title="Hand-off" c={c} active="inbox" scripts={["sse"]} styles={["inbox"]}>
          <CaseBody v={await view(c)} k={k} />
        </Page>,
      );
    })
    // The case's own stream: its thread's lines and its hand-off's changes, not every conversation's.
    .get(
      "/h/:id/events",
      threadEvents(rt, async (c) => (await rt.store.handoffs.get(idOf(c)))?.thread_id ?? undefined, { cap: (c) => personCap(c, o.streams?.perPerson) }),
    )
    .get("/h/:id/lines", async (c) => {
      const k = await caseOf(c);
      return c.html(<Lines lines={k.lines} s={settings} />);
    })
    .get("/h/:id/state", async (c) => c.html(<CaseState v={await view(c)} k={await caseOf(c)} />))
    .post("/h/:id/claim", async (c) => {
      const id = idOf(c);
      const r = await claimHandoff(rt.store, id, me(c));
      if (r === "missing") throw new HttpError(404, "inbox_refused", REFUSED.missing!);
      if (r === "taken" || r === "resolved") throw new HttpError(409, "inbox_refused", REFUSED[r]!);
      return goTo(c, caseHref(id));
    })
    .post("/h/:id/answer", async (c) => {
      const id = idOf(c);
      const a = await readForm(c, AnswerForm);
      const response: HumanResponse =
        a.type === "edit"
          ? { type: "edit", args: { action: "reply_to_customer", args: { message: a.text } } }
          : a.type === "response"
            ? { type: "response", args: a.text }
            : { type: a.type };
      const run = await submitAnswer(rt.store, id, me(c), response, c.get("requestId")).catch(refused);
      await answerEnd(o.runs.watcher, run.run_id, c.req.raw.signal);
      return goTo(c, caseHref(id));
    })
    .post("/h/:id/release", async (c) => {
      await releaseHandoff(rt.store, idOf(c), me(c)).catch(refused);
      return goTo(c, INBOX);
    })
    .post("/h/:id/reassign", async (c) => {
      const id = idOf(c);
      const { to } = await readForm(c, ReassignForm);
      const user = (await rt.store.users.list()).find((u) => u.name === to && !u.disabled && hasRole(u, ["agent"]));
      if (!user) throw new HttpError(400, "invalid_request", `form.to: ${to} no es una persona del equipo de atención`);
      await reassignHandoff(rt.store, id, me(c), to).catch(refused);
      return goTo(c, INBOX);
    })
    .post("/h/:id/notes", async (c) => {
      const id = idOf(c);
      const { text } = await readForm(c, NoteForm);
      await addHandoffNote(rt.store, id, me(c), text).catch(refused);
      return goTo(c, caseHref(id));
    })
    .post("/h/:id/messages", async (c) => {
      const k = await caseOf(c);
      const { text, key } = await readForm(c, MessageForm);
      await sendPersonMessage(rt.store, k.handoff.customer_id, me(c), text, `person:${k.handoff.customer_id}:${key}`).catch(refused);
      return goTo(c, caseHref(k.handoff.interaction_id));
    })
    .post("/h/:id/handback", async (c) => {
      const k = await caseOf(c);
      await handBackConversation(rt.store, k.handoff.customer_id, me(c)).catch(refused);
      return goTo(c, INBOX);
    });
}
