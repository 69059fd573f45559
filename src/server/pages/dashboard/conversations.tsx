import type { Context } from "hono";
import type { Interaction } from "../../../domain/interaction.js";
import { ISSUE_BUCKETS, SEGMENTS } from "../../../domain/segment.js";
import { TEMPLATE_IDS } from "../../../domain/template.js";
import type { AppEnv } from "../../env.js";
import { when } from "../when.js";
import { ISSUE_LABEL } from "../labels.js";
import { num2, num3, SAFETY_LABEL } from "./format.js";
import { FilterSelect } from "../filter-select.js";
import { Scroll } from "./scroll.js";
import { DashboardPage } from "./tabs.js";

export interface ConversationFilter {
  ns?: string;
  segment?: string;
  issue?: string;
  template?: string;
  safety?: string;
  page: number;
}

export const PAGE_SIZE = 25;

/** The filter as a query string (without the page): for the pager and the CSV link. */
export function filterQuery(f: ConversationFilter, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const k of ["ns", "segment", "issue", "template", "safety"] as const) if (f[k]) q.set(k, f[k]!);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

const excerpt = (s: string | null) => (s === null ? "(sin mensaje)" : s.length > 90 ? `${s.slice(0, 90)}…` : s);

function Row({ i }: { i: Interaction }) {
  return (
    <tr>
      <td class="hide-phone">
        <time datetime={i.created_at}>{when(i.created_at)}</time>
      </td>
      <td>
        <details>
          <summary>{excerpt(i.message)}</summary>
          <div class="detail stack">
            <p class="message">{i.message ?? "(sin mensaje)"}</p>
            <p>
              <strong>Cliente</strong> {i.customer_id} · <strong>Ruta</strong> {i.route} · <strong>Fuente</strong> {i.message_source}
              {i.iteration !== null && <> · <strong>Iteración</strong> {i.iteration}</>}
            </p>
            {i.score ? (
              <p>
                <strong>Juez</strong>: NPS {num2(i.score.nps_expected)} · engagement {num2(i.score.engagement_prob)} · churn {num2(i.score.churn_prob)} — <em>{i.score.rationale}</em>
              </p>
            ) : (
              <p class="muted">Sin calificación del juez.</p>
            )}
            {i.safety_rules.length > 0 && <p>Reglas de seguridad: {i.safety_rules.join(", ")}</p>}
            {i.escalation_reason && <p>Escalado: {i.escalation_reason}</p>}
          </div>
        </details>
      </td>
      <td>{i.template ?? "—"}</td>
      <td class="hide-phone">
        {i.segment} · {ISSUE_LABEL[i.issue_bucket] ?? i.issue_bucket}
      </td>
      <td class="num">{num3(i.reward)}</td>
      <td>
        {i.safety_verdict ? <span class={`badge ${i.safety_verdict === "severe" ? "badge-red" : i.safety_verdict === "fixable" ? "badge-amber" : "badge-ok"}`}>{SAFETY_LABEL[i.safety_verdict]}</span> : "—"}
      </td>
    </tr>
  );
}

export function ConversationsPage({ c, f, items, more, namespaces }: { c: Context<AppEnv>; f: ConversationFilter; items: Interaction[]; more: boolean; namespaces: string[] }) {
  return (
    <DashboardPage c={c} tab="conversaciones" title="Conversaciones">
      <form class="card row filters" method="get" action="/console/conversaciones">
        <FilterSelect name="ns" label="Serie" value={f.ns} options={namespaces.map((n) => [n, n] as const)} />
        <FilterSelect name="segment" label="Segmento" value={f.segment} options={SEGMENTS.map((s) => [s, s] as const)} />
        <FilterSelect name="issue" label="Tema" value={f.issue} options={ISSUE_BUCKETS.map((s) => [s, ISSUE_LABEL[s]!] as const)} />
        <FilterSelect name="template" label="Plantilla" value={f.template} options={TEMPLATE_IDS.map((s) => [s, s] as const)} />
        <FilterSelect name="safety" label="Seguridad" value={f.safety} options={Object.entries(SAFETY_LABEL)} />
        <button type="submit">Filtrar</button>
        <a class="button secondary" href={`/console/conversaciones.csv${filterQuery(f)}`} download>
          Exportar CSV
        </a>
      </form>
      <Scroll label="Interacciones">
        <table>
          <caption class="muted">
            Página {f.page}, las más recientes primero: interacciones {(f.page - 1) * PAGE_SIZE + (items.length ? 1 : 0)}–{(f.page - 1) * PAGE_SIZE + items.length}
          </caption>
          <thead>
            <tr>
              <th class="hide-phone">Fecha</th>
              <th>Mensaje</th>
              <th>Plantilla</th>
              <th class="hide-phone">Cohorte</th>
              <th class="num">Recompensa</th>
              <th>Seguridad</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <Row i={i} />
            ))}
            {items.length === 0 && (
              <tr>
                <td colspan={6} class="muted">
                  No hay interacciones con este filtro.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </Scroll>
      <nav class="row pager" aria-label="Páginas">
        {f.page > 1 && <a href={`/console/conversaciones${filterQuery(f, { page: String(f.page - 1) })}`}>← Anterior</a>}
        {more && <a href={`/console/conversaciones${filterQuery(f, { page: String(f.page + 1) })}`}>Siguiente →</a>}
      </nav>
    </DashboardPage>
  );
}
