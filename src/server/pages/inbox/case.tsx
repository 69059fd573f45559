import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { visitorThread } from "../../../app/conversation-handoffs.js";
import type { HandoffCase, CaseLine, Decision } from "../../../app/handoff-case.js";
import { Markdown } from "../markdown.js";
import type { CannedReply, InboxSettings } from "../../../domain/inbox.js";
import type { AppEnv } from "../../env.js";
import { CsrfField } from "../layout.js";
import { ISSUE_LABEL, SEGMENT_LABEL } from "../labels.js";
import { when } from "../when.js";
import { caseHref, label, SlaClock } from "./queue.js";


function author(a: string): { who: string; cls: string } {
  if (a === "customer") return { who: "Cliente", cls: "from-customer" };
  if (a === "bot") return { who: "Bot", cls: "from-bot" };
  return { who: a.startsWith("person:") ? a.slice("person:".length) : a, cls: "from-person" };
}

/**
 * Every line across channels, oldest first; refreshed when the live stream says the thread's transcript grew
 * (sse:line). The section stays and its list is swapped, as the queue's (a line written mid-refresh is not lost).
 */
export function LinesLive({ id, children }: { id: string; children: unknown }) {
  return (
    <section class="card lines" aria-label="Conversación">
      <h2>Conversación</h2>
      <div id="lines" hx-get={`${caseHref(id)}/lines`} hx-trigger="sse:line, sse:resync" hx-swap="innerHTML">
        {children}
      </div>
    </section>
  );
}

export function Lines({ lines, s }: { lines: CaseLine[]; s: InboxSettings }) {
  if (lines.length === 0) return <p class="muted">Sin mensajes registrados.</p>;
  return (
    <ol>
      {lines.map((l) => {
        const a = author(l.author);
        return (
          <li class={a.cls}>
            <div class="meta">
              <strong>{a.who}</strong> · {label(s.channels, l.channel)} · <time datetime={l.at}>{when(l.at)}</time>
            </div>
            <p class="text">{l.text}</p>
          </li>
        );
      })}
    </ol>
  );
}

function Profile({ k, s }: { k: HandoffCase; s: InboxSettings }) {
  const c = k.customer;
  return (
    <section class="card" aria-label="Perfil del cliente">
      <h2>Cliente</h2>
      {c ? (
        <dl class="facts">
          <dt>Id</dt>
          <dd>{c.customer_id}</dd>
          <dt>Segmento</dt>
          <dd>{SEGMENT_LABEL[c.segment] ?? c.segment}</dd>
          <dt>Tema</dt>
          <dd>{ISSUE_LABEL[c.issue_bucket] ?? c.issue_bucket}</dd>
          <dt>NPS anterior</dt>
          <dd>{c.past_nps}</dd>
          <dt>Riesgo de abandono</dt>
          <dd>{`${Math.round(c.churn_risk_est * 100)} %`}</dd>
          <dt>Canal preferido</dt>
          <dd>{label(s.channels, c.channel_pref)}</dd>
          <dt>Última compra</dt>
          <dd>{`hace ${c.last_purchase_days} días`}</dd>
          <dt>Historia</dt>
          <dd>{c.mini_story}</dd>
        </dl>
      ) : (
        <p class="muted">
          Sin ficha de cliente ({visitorThread(k.handoff.customer_id) !== undefined ? "visitante anónimo del chat web" : k.handoff.customer_id}).
        </p>
      )}
    </section>
  );
}

const VERDICT = { ok: "aprobado", fixable: "corregido (texto de respaldo)", severe: "bloqueado" } as const;

function DecisionCard({ k }: { k: HandoffCase }) {
  const d: Decision = k.decision;
  return (
    <section class="card" aria-label="Qué decidió el bot">
      <h2>{k.draft !== null ? "Borrador del bot" : "Resumen para la persona"}</h2>
      {k.draft !== null ? (
        <p class="draft text">{k.draft}</p>
      ) : (
        <div class="draft text">{k.summary ? <Markdown text={k.summary} /> : "—"}</div>
      )}
      {k.draft !== null && k.summary && (
        <details>
          <summary>Resumen del caso</summary>
          <div class="text">
            <Markdown text={k.summary} />
          </div>
        </details>
      )}
      <dl class="facts">
        <dt>Plantilla</dt>
        <dd>{d.template ?? "—"}</dd>
        <dt>Juez</dt>
        <dd>
          {d.score ? `NPS esperado ${d.score.nps_expected.toFixed(1)} · abandono ${Math.round(d.score.churn_prob * 100)} % · ${d.score.rationale}` : "—"}
        </dd>
        <dt>Seguridad</dt>
        <dd>
          {d.safety_verdict ? VERDICT[d.safety_verdict] : "—"}
          {d.safety_rules.length > 0 && ` (${d.safety_rules.join(", ")})`}
        </dd>
        <dt>Herramientas</dt>
        <dd>{d.tools.length > 0 ? d.tools.join(", ") : "—"}</dd>
        <dt>Intenciones</dt>
        <dd>{d.intents.length > 0 ? d.intents.join(", ") : "—"}</dd>
      </dl>
    </section>
  );
}

/** A form that works with htmx (the CSRF header) and without (the _csrf field): the answer redirects back here. */
function ActionForm({ c, id, action, children, cls }: { c: Context<AppEnv>; id: string; action: string; children: unknown; cls?: string }) {
  const to = `${caseHref(id)}/${action}`;
  return (
    <form method="post" action={to} hx-post={to} class={cls ?? "stack"}>
      <CsrfField c={c} />
      {children}
    </form>
  );
}

function CannedPicker({ target, canned }: { target: string; canned: CannedReply[] }) {
  return (
    <label>
      Respuesta rápida
      <select name="id" hx-get={`/console/inbox/canned?target=${target}`} hx-target={`#${target}`} hx-swap="outerHTML" hx-trigger="change">
        <option value="">Elegir…</option>
        {canned.map((r) => (
          <option value={r.id}>{r.title}</option>
        ))}
      </select>
    </label>
  );
}

/** The reply box a canned reply fills: its own id, so the picker swaps it with the text. */
export function ReplyBox({ id, name, label: text, value }: { id: string; name: string; label: string; value?: string }) {
  return (
    <label id={id}>
      {text}
      <textarea name={name} required maxlength={4000}>
        {value ?? ""}
      </textarea>
    </label>
  );
}

/** What every part of the case page is rendered for: the request, who is looking, and the inbox's settings. */
export interface CaseView {
  c: Context<AppEnv>;
  me: string;
  /** The people the holder may pass the hand-off to. */
  agents: string[];
  s: InboxSettings;
  canned: CannedReply[];
  now: number;
}

/** The Agent Inbox actions, release, reassign: for the agent holding the claim. */
function HolderActions({ v, k }: { v: CaseView; k: HandoffCase }) {
  const { c, agents } = v;
  const id = k.handoff.interaction_id;
  const a = k.allowed;
  return (
    <div class="stack">
      {a.allow_accept && (
        <ActionForm c={c} id={id} action="answer" cls="row">
          <input type="hidden" name="type" value="accept" />
          <button type="submit">Enviar el borrador tal cual</button>
        </ActionForm>
      )}
      {a.allow_edit && (
        <ActionForm c={c} id={id} action="answer">
          <input type="hidden" name="type" value="edit" />
          <ReplyBox id="edit-box" name="text" label="Editar el borrador" value={k.draft ?? ""} />
          <button type="submit">Enviar el borrador editado</button>
        </ActionForm>
      )}
      {a.allow_respond && (
        <ActionForm c={c} id={id} action="answer">
          <input type="hidden" name="type" value="response" />
          <CannedPicker target="respond-box" canned={v.canned} />
          <ReplyBox id="respond-box" name="text" label="Tu respuesta" />
          <button type="submit">Responder</button>
        </ActionForm>
      )}
      <div class="row">
        {a.allow_ignore && (
          <ActionForm c={c} id={id} action="answer" cls="inline">
            <input type="hidden" name="type" value="ignore" />
            <button type="submit" class="secondary">
              Ignorar (no responder)
            </button>
          </ActionForm>
        )}
        <ActionForm c={c} id={id} action="release" cls="inline">
          <button type="submit" class="secondary">
            Liberar
          </button>
        </ActionForm>
      </div>
      {agents.length > 0 && (
        <ActionForm c={c} id={id} action="reassign" cls="row">
          <label>
            Reasignar a
            <select name="to">
              {agents.map((n) => (
                <option value={n}>{n}</option>
              ))}
            </select>
          </label>
          <button type="submit" class="secondary">
            Reasignar
          </button>
        </ActionForm>
      )}
    </div>
  );
}

/** While the conversation is the agent's: free messages, and handing it back to the bot. */
function OwnerActions({ v, k }: { v: CaseView; k: HandoffCase }) {
  const { c } = v;
  const id = k.handoff.interaction_id;
  return (
    <div class="stack">
      <ActionForm c={c} id={id} action="messages">
        <input type="hidden" name="key" value={randomUUID()} />
        <CannedPicker target="message-box" canned={v.canned} />
        <ReplyBox id="message-box" name="text" label="Mensaje al cliente" />
        <button type="submit">Enviar mensaje</button>
      </ActionForm>
    </div>
  );
}

/** The Agent Inbox action that resolved a hand-off, as people say it. */
const RESOLUTION: Record<string, string> = { accept: "borrador enviado", edit: "borrador editado", response: "respondida", ignore: "sin respuesta" };

function Status({ k, me }: { k: HandoffCase; me: string }) {
  const h = k.handoff;
  if (h.status === "resolved") return <p class="status">{`Resuelta: ${RESOLUTION[h.resolution ?? ""] ?? h.resolution ?? "—"}${h.claimed_by ? `, por ${h.claimed_by}` : ""}.`}</p>;
  if (h.claimed_by === null) return <p class="status">Sin tomar.</p>;
  if (h.claimed_by === me) return <p class="status">La tienes tú.</p>;
  return (
    <p class="status taken" role="status">
      Tomada por <strong>{h.claimed_by}</strong>: solo esa persona puede responder.
    </p>
  );
}

/**
 * Who holds the hand-off and what this agent may do about it. Someone else's or nobody's: refreshed live on
 * every hand-off change (another agent may take it); the holder's and the owner's forms are not, so nothing they
 * type is lost.
 */
export function CaseState({ v, k }: { v: CaseView; k: HandoffCase }) {
  const { c, me, s, now } = v;
  const h = k.handoff;
  const holder = h.status === "pending" && h.claimed_by === me;
  const owner = k.ownership.owner === "human" && k.ownership.agent === me;
  // What the holder or owner may be typing is never swapped away; anyone else's view follows the hand-off live.
  const live = !holder && !owner;
  return (
    <section
      id="case-state"
      class="card"
      aria-label="Acciones"
      hx-get={live ? `${caseHref(h.interaction_id)}/state` : undefined}
      hx-trigger={live ? "sse:handoffs, sse:resync" : undefined}
      hx-swap={live ? "outerHTML" : undefined}
    >
      <div class="row">
        <span class="badge">Prioridad {h.priority}</span>
        <span class="badge">{label(s.reasons, h.reason)}</span>
        <span class="badge">{label(s.channels, h.channel)}</span>
        {h.status === "pending" && <SlaClock since={h.created_at} sla={s.sla} now={now} />}
      </div>
      <Status k={k} me={me} />
      {h.status === "pending" && h.claimed_by === null && (
        <ActionForm c={c} id={h.interaction_id} action="claim" cls="row">
          <button type="submit">Tomar</button>
        </ActionForm>
      )}
      {holder && <HolderActions v={v} k={k} />}
      {owner && h.status === "resolved" && <OwnerActions v={v} k={k} />}
      {owner && holder && (
        // Before answering: a word to the customer ("estoy revisando tu caso") that leaves the hand-off open.
        <details>
          <summary>Escribir sin resolver el hand-off</summary>
          <OwnerActions v={v} k={k} />
        </details>
      )}
      {owner && (
        <ActionForm c={c} id={h.interaction_id} action="handback" cls="row">
          <button type="submit" class="secondary">
            Devolver al bot
          </button>
          <span class="muted">el bot vuelve a contestar a este cliente</span>
        </ActionForm>
      )}
    </section>
  );
}

export function Notes({ v, k }: { v: CaseView; k: HandoffCase }) {
  const { c, me } = v;
  const mine = k.handoff.claimed_by === me;
  return (
    <section class="card" aria-label="Notas internas">
      <h2>Notas internas</h2>
      {k.notes.length === 0 ? (
        <p class="muted">Sin notas.</p>
      ) : (
        <ul class="notes">
          {k.notes.map((n) => (
            <li>
              <div class="meta">
                <strong>{n.agent}</strong> · <time datetime={n.at}>{when(n.at)}</time>
              </div>
              <p class="text">{n.text}</p>
            </li>
          ))}
        </ul>
      )}
      {mine && (
        <ActionForm c={c} id={k.handoff.interaction_id} action="notes">
          <label>
            Nueva nota (solo la ve el equipo)
            <textarea name="text" required maxlength={2000}></textarea>
          </label>
          <button type="submit" class="secondary">
            Guardar nota
          </button>
        </ActionForm>
      )}
    </section>
  );
}

export function CaseBody({ v, k }: { v: CaseView; k: HandoffCase }) {
  const { s } = v;
  return (
    <div class="case" hx-ext="sse" sse-connect={k.handoff.thread_id ? `${caseHref(k.handoff.interaction_id)}/events` : "/console/events"}>
      <p>
        <a href="/console/inbox">← Bandeja</a>
      </p>
      <h1>{`${label(s.reasons, k.handoff.reason)} · ${k.handoff.customer_id}`}</h1>
      <div class="case-grid">
        <div class="stack">
          <CaseState v={v} k={k} />
          <LinesLive id={k.handoff.interaction_id}>
            <Lines lines={k.lines} s={s} />
          </LinesLive>
        </div>
        <div class="stack">
          <DecisionCard k={k} />
          <Profile k={k} s={v.s} />
          <Notes v={v} k={k} />
        </div>
      </div>
    </div>
  );
}
