import type { Context } from "hono";
import type { PolicyView } from "../../../app/policy-admin.js";
import type { OpeEstimate } from "../../../policy/ope.js";
import { thinSupport, type OpeReport } from "../../../app/ope.js";
import { POLICY_NAMES } from "../../../policy/registry.js";
import type { CohortRecommendation } from "../../../sim/recommendations.js";
import type { AppEnv } from "../../env.js";
import { CsrfField } from "../layout.js";
import { ISSUE_LABEL } from "../labels.js";
import { int, num3, pct } from "./format.js";

const cohortLabel = (context: string) => {
  const [segment, issue] = context.split("/");
  return `${segment} · ${ISSUE_LABEL[issue!] ?? issue}`;
};
import { Scroll } from "./scroll.js";
import { DashboardPage } from "./tabs.js";

export function RecommendationsPage(props: { c: Context<AppEnv>; namespaces: string[]; view: PolicyView | undefined; ns: string; items: CohortRecommendation[]; notice?: string }) {
  const { c, view, ns } = props;
  return (
    <DashboardPage c={c} tab="recomendaciones" title="Recomendaciones">
      <form class="card row" method="get" action="/console/recomendaciones">
        <label>
          Espacio de la política
          <select name="ns">
            {props.namespaces.map((n) => (
              <option value={n} selected={n === ns}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Ver</button>
      </form>
      {props.notice && (
        <p class="ok" role="status">
          {props.notice}
        </p>
      )}
      {!view ? (
        <p class="card muted">Nada aprendido todavía en {ns}.</p>
      ) : (
        <>
          <section class="card">
            <h2>
              Política {view.policy} {view.frozen ? <span class="badge badge-amber">congelada</span> : <span class="badge badge-ok">aprendiendo</span>}
            </h2>
            {view.bound && (
              <div class="row">
                <form method="post" action={`/console/recomendaciones/${view.frozen ? "descongelar" : "congelar"}`}>
                  <CsrfField c={c} />
                  <input type="hidden" name="ns" value={ns} />
                  <button type="submit" class="secondary">
                    {view.frozen ? "Descongelar" : "Congelar"}
                  </button>
                </form>
                <form method="post" action="/console/recomendaciones/reiniciar">
                  <CsrfField c={c} />
                  <input type="hidden" name="ns" value={ns} />
                  <button type="submit" class="danger">
                    Reiniciar lo aprendido
                  </button>
                </form>
              </div>
            )}
          </section>
          <section class="card">
            <h2>Mejor plantilla por cohorte</h2>
            {props.items.length === 0 ? (
              <p class="muted">Sin contactos aprendidos todavía.</p>
            ) : (
              <>
                <ul class="insights">
                  {props.items.map((r) => (
                    <li>Para {r.text}</li>
                  ))}
                </ul>
                <Scroll label="Mejor plantilla por cohorte">
                  <table>
                    <thead>
                      <tr>
                        <th>Cohorte</th>
                        <th>Plantilla</th>
                        <th class="num">Estimado</th>
                        <th class="num">Confianza</th>
                        <th class="num hide-phone">Contactos (plantilla / cohorte)</th>
                      </tr>
                    </thead>
                    <tbody>
                      {props.items.map((r) => (
                        <tr>
                          <td>{cohortLabel(r.context)}</td>
                          <td>{r.template}</td>
                          <td class="num">{num3(r.estimate)}</td>
                          <td class="num">{pct(r.confidence)}</td>
                          <td class="num hide-phone">
                            {int(r.n)} / {int(r.context_n)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Scroll>
                <p class="muted">Confianza: probabilidad de que la plantilla supere a la segunda mejor de su cohorte (aproximación normal, desviación 0.5).</p>
              </>
            )}
          </section>
        </>
      )}
      <section class="card">
        <h2>Estimación fuera de política</h2>
        <form class="row" method="post" action="/console/recomendaciones/ope" hx-post="/console/recomendaciones/ope" hx-target="#ope-result">
          <CsrfField c={c} />
          <input type="hidden" name="ns" value={ns} />
          <label>
            Política candidata
            <select name="policy">
              {POLICY_NAMES.map((n) => (
                <option value={n} selected={n === "linucb"}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label>
            Parte del registro para entrenar
            <input type="number" name="train_share" min={0} max={0.9} step={0.05} value="0.5" />
          </label>
          <button type="submit">Estimar</button>
        </form>
        <div id="ope-result" aria-live="polite"></div>
      </section>
    </DashboardPage>
  );
}

function EstimateRow({ label, e }: { label: string; e: OpeEstimate }) {
  return (
    <tr>
      <td>{label}</td>
      <td class="num">{num3(e.value)}</td>
      <td class="num">± {num3(e.ci)}</td>
    </tr>
  );
}

export function OpeResult({ r }: { r: OpeReport }) {
  return (
    <div class="stack">
      <p>
        «{r.policy}» entrenada con los {int(r.rows.train)} registros más antiguos de {int(r.rows.usable)} utilizables y evaluada con los {int(r.rows.evaluated)} más recientes
        (IC 95 %).
      </p>
      <table>
        <thead>
          <tr>
            <th>Estimador</th>
            <th class="num">Valor</th>
            <th class="num">IC</th>
          </tr>
        </thead>
        <tbody>
          <EstimateRow label="Política registrada (en política)" e={r.logged} />
          <EstimateRow label="IPS" e={r.ips} />
          <EstimateRow label="IPS autonormalizado" e={r.snips} />
          <EstimateRow label="Método directo" e={r.dm} />
          <EstimateRow label="Doblemente robusto" e={r.dr} />
        </tbody>
      </table>
      <p class="muted">Tamaño efectivo de la muestra: {int(r.effectiveSampleSize)} de {int(r.rows.evaluated)}.</p>
      {thinSupport(r) && (
        <p class="error">Cuidado: la política registrada casi nunca hizo lo que haría la candidata; IPS y DR descansan en pocos registros.</p>
      )}
    </div>
  );
}
