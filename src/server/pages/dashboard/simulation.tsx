import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { SeriesMetrics } from "../../../app/series-metrics.js";
import type { SeriesParams } from "../../../app/simulation.js";
import { POLICY_NAMES } from "../../../policy/registry.js";
import type { AppEnv } from "../../env.js";
import { CsrfField } from "../layout.js";
import { Chart } from "./chart.js";
import { int, num3 } from "./format.js";
import { rewardChart } from "./series-charts.js";
import { DashboardPage } from "./tabs.js";

function Slider(p: { name: string; label: string; min: number; max: number; step: number; value: number; shown: string }) {
  return (
    <label>
      {p.label}
      <span class="slider">
        <input type="range" name={p.name} id={`f-${p.name}`} min={p.min} max={p.max} step={p.step} value={String(p.value)} />
        <output for={`f-${p.name}`}>
          {p.shown}
        </output>
      </span>
    </label>
  );
}

export function SimulationPage({ c, p, iterations, iterationPoints, result }: { c: Context<AppEnv>; p: SeriesParams; iterations: number; iterationPoints: SeriesMetrics["iterations"]; result?: Child }) {
  return (
    <DashboardPage c={c} tab="simulacion" title="Simulación" scripts={["uplot", "charts", "sliders"]}>
      <form class="card stack" method="post" action="/console/simulacion/iteracion" hx-target="#sim-result" hx-swap="innerHTML">
        <CsrfField c={c} />
        <div class="grid">
          <Slider name="customers" label="Clientes" min={20} max={2000} step={10} value={p.customers} shown={String(p.customers)} />
          <Slider name="share_angry" label="Proporción de enojados" min={0} max={1} step={0.05} value={p.share_angry} shown={`${Math.round(p.share_angry * 100)} %`} />
          <Slider name="share_vocal" label="Proporción de vocales" min={0} max={1} step={0.05} value={p.share_vocal} shown={`${Math.round(p.share_vocal * 100)} %`} />
          <label>
            Semilla
            <input type="number" name="seed" min={0} max={1000000} value={String(p.seed)} required />
          </label>
          <label>
            Política
            <select name="policy">
              {POLICY_NAMES.map((n) => (
                <option value={n} selected={n === p.policy}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            Silenciosos a contactar (top N)
            <input type="number" name="top_n" min={0} max={20000} value={String(p.top_n)} required />
          </label>
          <label>
            Iteraciones del experimento
            <input type="number" name="iterations" min={1} max={50} value={String(iterations)} required />
          </label>
        </div>
        <div class="row">
          <button type="submit" formaction="/console/simulacion/clientes" hx-post="/console/simulacion/clientes">
            Generar clientes
          </button>
          <button type="submit" hx-post="/console/simulacion/iteracion">
            Correr una iteración
          </button>
          <button type="submit" class="secondary" formaction="/console/simulacion/experimento" hx-post="/console/simulacion/experimento">
            Correr experimento completo
          </button>
        </div>
        <p class="muted">
          Una iteración contesta a cada cliente vocal y escribe a los N silenciosos con mayor prioridad, con la política elegida y con una base uniforme. Cada corrida
          sigue donde quedó la anterior en la misma serie (mismos deslizadores y política).
        </p>
      </form>
      <section id="sim-result" aria-live="polite">
        {result}
      </section>
      <Chart spec={rewardChart(iterationPoints)} />
    </DashboardPage>
  );
}

export function DatasetResult({ created, dataset, by }: { created: number; dataset: string; by: Record<string, number> }) {
  return (
    <p class="ok" role="status">
      {int(created)} clientes generados en el conjunto <code>{dataset}</code>: {Object.entries(by).map(([s, n]) => `${s} ${n}`).join(" · ")}.
    </p>
  );
}

export type JobView =
  | { state: "running"; id: string; done: number; total: number }
  | { state: "elsewhere"; id: string }
  | { state: "done"; id: string; first: number; last: number; reward: number | null; baseline: number | null; series: string }
  | { state: "failed" | "cancelled"; id: string; error: string };

/** The run's progress; while it runs it asks again (htmx polling). Its last answer stops, and its header brings the chart's new data (chartUpdate). */
export function JobProgress({ job }: { job: JobView }) {
  const poll = job.state === "running" || job.state === "elsewhere";
  return (
    <div id="job" class="card" hx-get={poll ? `/console/simulacion/progreso/${encodeURIComponent(job.id)}` : undefined} hx-trigger={poll ? "load delay:300ms" : undefined} hx-swap="outerHTML">
      {job.state === "running" && (
        <>
          <label>
            Progreso
            <progress id="job-progress" max={String(Math.max(job.total, 1))} value={String(job.done)}>
              {job.done} de {job.total}
            </progress>
          </label>
          <div class="row">
            <p class="muted">
              {int(job.done)} de {int(job.total)} contactos
            </p>
            <button type="button" class="secondary" hx-post={`/console/simulacion/cancelar/${encodeURIComponent(job.id)}`} hx-target="#job" hx-swap="outerHTML">
              Cancelar
            </button>
          </div>
        </>
      )}
      {job.state === "elsewhere" && <p class="muted">Corriendo en otro proceso del servicio…</p>}
      {job.state === "done" && (
        <>
          <progress id="job-progress" max="1" value="1" data-finished="">
            listo
          </progress>
          <p class="ok" role="status">
            Listo: {job.first === job.last ? `iteración ${job.first}` : `iteraciones ${job.first}–${job.last}`}. Recompensa media {num3(job.reward)} con la política,{" "}
            {num3(job.baseline)} con la base. <a href={`/console/metricas?serie=${encodeURIComponent(job.series)}`}>Ver métricas</a>
          </p>
        </>
      )}
      {(job.state === "failed" || job.state === "cancelled") && (
        <p class="error" role="alert">
          {job.state === "failed" ? `La corrida falló: ${job.error}` : "La corrida se canceló."}
        </p>
      )}
    </div>
  );
}
