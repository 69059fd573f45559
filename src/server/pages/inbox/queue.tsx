import type { Context } from "hono";
import { slaLevel, waitText, type InboxSettings } from "../../../domain/inbox.js";
import type { Handoff, InboxPage } from "../../../store/handoffs.js";
import type { AppEnv } from "../../env.js";
import { CsrfField } from "../layout.js";
import { queueSearch, type QueueQuery } from "./forms.js";

export const INBOX = "/console/inbox";
export const caseHref = (id: string) => `${INBOX}/h/${encodeURIComponent(id)}`;

const SLA_LABEL = { ok: "a tiempo", amber: "por vencer", red: "vencido" } as const;

/** How long it has waited, coloured against the service level (amber, then red). */
export function SlaClock({ since, sla, now }: { since: string; sla: InboxSettings["sla"]; now: number }) {
  const waited = now - Date.parse(since);
  const level = slaLevel(waited, sla);
  return (
    <span class={`badge badge-${level}`} title={`Espera ${SLA_LABEL[level]}`} data-sla={level}>
      <time datetime={`PT${Math.max(0, Math.floor(waited / 1000))}S`}>{waitText(waited)}</time>
      <span class="visually-hidden"> ({SLA_LABEL[level]})</span>
    </span>
  );
}

export const label = (names: Record<string, string>, code: string | null) => (code === null ? "—" : (names[code] ?? code));

function ClaimBadge({ h, me }: { h: Handoff; me: string }) {
  if (h.claimed_by === null) return <span class="badge">Libre</span>;
  if (h.claimed_by === me) return <span class="badge badge-ok">Tuya</span>;
  return <span class="badge">Tomada por {h.claimed_by}</span>;
}

/**
 * The queue, refreshed in place: on every hand-off change the live stream announces (sse:handoffs), and every 15 s
 * so the clocks move. The element stays and only its contents are swapped, so a change announced while a refresh
 * is in flight queues one more refresh (htmx's queue of one) instead of being lost with a replaced element. A
 * refresh sends the filters' form and the page's cursor, so it shows the same view.
 */
export function QueueLive({ children }: { children: unknown }) {
  return (
    <div id="queue" hx-get={`${INBOX}/queue`} hx-include=".inbox-filters, #queue-cursor" hx-trigger="sse:handoffs, sse:resync, every 15s" hx-swap="innerHTML" aria-live="polite">
      {children}
    </div>
  );
}

/** One page of the queue: what QueueLive holds, and what /console/inbox/queue answers. */
export function Queue({ page, q, s, me, now }: { page: InboxPage; q: QueueQuery; s: InboxSettings; me: string; now: number }) {
  const nextPage = page.next && `${INBOX}/queue?${queueSearch({ ...q, after: page.next })}`;
  return (
    <>
      <input type="hidden" id="queue-cursor" name="after" value={q.after ?? ""} />
      <p class="muted">
        {page.total === 1 ? "1 pendiente" : `${page.total.toLocaleString("es-MX")} pendientes`}
        {q.after && " · página siguiente"}
      </p>
      {page.items.length === 0 ? (
        <p class="card">No hay hand-offs pendientes con estos filtros.</p>
      ) : (
        <div class="table-wrap">
          <table class="queue">
            <thead>
              <tr>
                <th class="num">Prioridad</th>
                <th>Motivo</th>
                <th class="hide-phone">Flujo</th>
                <th>Canal</th>
                <th>Espera</th>
                <th>Estado</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((h) => (
                <tr data-id={h.interaction_id}>
                  <td class="num">{h.priority}</td>
                  <td>
                    <a href={caseHref(h.interaction_id)}>{label(s.reasons, h.reason)}</a>
                  </td>
                  <td class="hide-phone">{label(s.graphs, h.graph)}</td>
                  <td>{label(s.channels, h.channel)}</td>
                  <td>
                    <SlaClock since={h.created_at} sla={s.sla} now={now} />
                  </td>
                  <td>
                    <ClaimBadge h={h} me={me} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="row">
        {q.after && (
          <a href={`${INBOX}?${queueSearch({ ...q, after: undefined })}`} class="button secondary">
            Primera página
          </a>
        )}
        {nextPage && (
          <a href={`${INBOX}?${queueSearch({ ...q, after: page.next! })}`} hx-get={nextPage} hx-target="#queue" hx-swap="innerHTML" class="button secondary">
            Siguiente página
          </a>
        )}
      </p>
    </>
  );
}

function Select({ name, label: text, value, options }: { name: string; label: string; value: string | undefined; options: Array<[string, string]> }) {
  return (
    <label>
      {text}
      <select name={name}>
        {options.map(([v, t]) => (
          <option value={v} selected={(value ?? "") === v}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The filters (they also narrow "take the next one") and the button that takes it. */
export function QueueControls({ c, q, s }: { c: Context<AppEnv>; q: QueueQuery; s: InboxSettings }) {
  const all: [string, string] = ["", "Todos"];
  return (
    <div class="card">
      <form class="inbox-filters" method="get" action={INBOX} hx-get={`${INBOX}/queue`} hx-target="#queue" hx-swap="innerHTML" hx-trigger="change, submit">
        <Select name="claimed" label="Asignación" value={q.claimed} options={[["", "Todas"], ["mine", "Mías"], ["unclaimed", "Sin tomar"]]} />
        <Select name="reason" label="Motivo" value={q.reason} options={[all, ...Object.entries(s.reasons)]} />
        <Select name="channel" label="Canal" value={q.channel} options={[all, ...Object.entries(s.channels)]} />
        <Select name="graph" label="Flujo" value={q.graph} options={[all, ...Object.entries(s.graphs)]} />
        <Select name="min" label="Prioridad mínima" value={q.min?.toString()} options={[["", "Cualquiera"], ...[5, 7, 9].map((n): [string, string] => [String(n), `${n} o más`])]} />
        <noscript>
          <button type="submit">Filtrar</button>
        </noscript>
      </form>
      <form method="post" action={`${INBOX}/next`} hx-post={`${INBOX}/next`} hx-include=".inbox-filters" class="row">
        <CsrfField c={c} />
        <button type="submit">Tomar la siguiente</button>
        <span class="muted">la más urgente y antigua sin tomar, con estos filtros</span>
      </form>
    </div>
  );
}
