import type { Context } from "hono";
import type { againstTargets, ConversationKpis, KpiName } from "../../../app/conversation-kpis.js";
import type { SeriesMetrics } from "../../../app/series-metrics.js";
import type { Kpi } from "../../../store/interactions.js";
import type { AppEnv } from "../../env.js";
import { Chart } from "./chart.js";
import { ISSUE_LABEL } from "../labels.js";
import { int, num2, num3, pct, pctPoints, usd } from "./format.js";
import { npsChart, rewardChart, segmentChart } from "./series-charts.js";
import { SeriesPicker } from "./series-picker.js";
import { Scroll } from "./scroll.js";
import { DashboardPage } from "./tabs.js";

const KPI_LABEL: Record<KpiName, string> = {
  resolution_without_person: "Resolución sin persona",
  first_contact_resolution: "Resolución al primer contacto",
  escalation_rate: "Tasa de escalamiento",
  messages_to_resolve: "Mensajes para resolver",
  cost_per_conversation_usd: "Costo por conversación",
};
const kpiValue = (k: KpiName, v: number | null) => (k === "messages_to_resolve" ? num2(v) : k === "cost_per_conversation_usd" ? usd(v) : pct(v));

function KpiTable({ title, rows, label }: { title: string; rows: Kpi[]; label?: (g: string) => string }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      <Scroll label={title}>
        <table>
          <thead>
            <tr>
              <th>Grupo</th>
              <th class="num">Contactos</th>
              <th class="num">Recompensa</th>
              <th class="num">NPS</th>
              <th class="num hide-phone">Engagement</th>
              <th class="num hide-phone">Churn</th>
              <th class="num hide-phone">Respaldo</th>
              <th class="num hide-phone">Escalados</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((k) => (
              <tr>
                <td>{k.group === null ? "—" : label ? label(String(k.group)) : String(k.group)}</td>
                <td class="num">{int(k.contacts)}</td>
                <td class="num">{num3(k.mean_reward)}</td>
                <td class="num">{num2(k.mean_nps)}</td>
                <td class="num hide-phone">{num3(k.mean_engagement)}</td>
                <td class="num hide-phone">{num3(k.mean_churn)}</td>
                <td class="num hide-phone">{int(k.fallbacks)}</td>
                <td class="num hide-phone">{int(k.escalations)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </section>
  );
}

export function MetricsPage(props: {
  c: Context<AppEnv>;
  series: string[];
  current: string | undefined;
  m: SeriesMetrics | undefined;
  kpis: ConversationKpis;
  targets: ReturnType<typeof againstTargets>;
}) {
  const { m } = props;
  return (
    <DashboardPage c={props.c} tab="metricas" title="Métricas" scripts={["uplot", "charts"]}>
      <SeriesPicker action="/console/metricas" series={props.series} current={props.current} />
      {m && (
        <>
          <div class="grid">
            <section class="card stat">
              <h2>Lift sobre la base</h2>
              <p class="big">{pctPoints(m.lift_pct)}</p>
              <p class="muted">En la última iteración: {pctPoints(m.lift_last_iteration_pct)}</p>
            </section>
            <section class="card stat">
              <h2>Regret acumulado</h2>
              <p class="big">{num2(m.cumulative_regret?.policy)}</p>
              <p class="muted">Base uniforme: {num2(m.cumulative_regret?.baseline)} (recompensa esperada perdida frente a la mejor plantilla)</p>
            </section>
          </div>
          <div class="grid charts">
            <Chart spec={rewardChart(m.iterations)} />
            <Chart spec={npsChart(m)} />
            <Chart spec={segmentChart(m)} />
          </div>
          <KpiTable title="Por plantilla (política)" rows={m.by.template.policy} />
          <KpiTable title="Por segmento (política)" rows={m.by.segment.policy} />
          <KpiTable title="Por tema (política)" rows={m.by.issue.policy} label={(g) => ISSUE_LABEL[g] ?? g} />
        </>
      )}
      <section class="card">
        <h2>Grafo de conversación</h2>
        <p class="muted">Sobre las últimas {int(props.kpis.conversations)} conversaciones. Las definiciones están en docs/dashboard.md.</p>
        <Scroll label="Indicadores del grafo de conversación">
          <table>
            <thead>
              <tr>
                <th>Indicador</th>
                <th class="num">Valor</th>
                <th class="num">Meta</th>
                <th>Estado</th>
              </tr>
            </thead>
            <tbody>
              {props.targets.map((t) => (
                <tr>
                  <td>{KPI_LABEL[t.kpi]}</td>
                  <td class="num">{kpiValue(t.kpi, t.value)}</td>
                  <td class="num">
                    {t.at_least ? "≥ " : "≤ "}
                    {kpiValue(t.kpi, t.target)}
                  </td>
                  <td>
                    <span class={`badge ${t.verdict === "met" ? "badge-ok" : t.verdict === "missed" ? "badge-red" : ""}`}>
                      {t.verdict === "met" ? "cumple" : t.verdict === "missed" ? "no cumple" : "sin datos"}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </section>
    </DashboardPage>
  );
}
