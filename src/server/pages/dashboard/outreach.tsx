import type { Context } from "hono";
import type { Interaction } from "../../../domain/interaction.js";
import type { Prioritized } from "../../../sim/prioritizer.js";
import type { AppEnv } from "../../env.js";
import { ISSUE_LABEL } from "../labels.js";
import { int, num2, num3 } from "./format.js";
import { Scroll } from "./scroll.js";
import { DashboardPage } from "./tabs.js";
import { SeriesPicker } from "./series-picker.js";

export function OutreachPage(props: { c: Context<AppEnv>; series: string[]; current: string | undefined; ranking: Prioritized[]; last: Map<string, Interaction> }) {
  const { ranking, last } = props;
  return (
    <DashboardPage c={props.c} tab="outreach" title="Outreach">
      <SeriesPicker action="/console/outreach" series={props.series} current={props.current} />
      <p class="muted">
        Prioridad S = 0.5·problemas + 0.3·precio normalizado + 0.2·recencia normalizada, sobre los clientes silenciosos del conjunto. Se muestra el último mensaje que
        les mandó la política y cómo lo calificó el juez.
      </p>
      {ranking.length === 0 ? (
        <p class="card muted">Genera un conjunto y corre una iteración en Simulación para ver el ranking.</p>
      ) : (
        <Scroll label="Ranking de outreach">
          <table>
            <thead>
              <tr>
                <th class="num">#</th>
                <th>Cliente</th>
                <th class="num">Prioridad</th>
                <th class="hide-phone">Perfil</th>
                <th>Mensaje enviado</th>
                <th class="num">Recompensa</th>
              </tr>
            </thead>
            <tbody>
              {ranking.map((r, k) => {
                const i = last.get(r.customer.customer_id);
                return (
                  <tr>
                    <td class="num">{k + 1}</td>
                    <td>
                      {r.customer.customer_id}
                      <br />
                      <span class="muted">{r.customer.segment}</span>
                    </td>
                    <td class="num">{num3(r.score)}</td>
                    <td class="hide-phone">
                      {ISSUE_LABEL[r.customer.issue_bucket]} · ${int(r.customer.price)} · {r.customer.last_purchase_days} días · {r.customer.issues_flag ? "con problemas" : "sin problemas"}
                    </td>
                    <td>
                      {i ? (
                        <details>
                          <summary>
                            {i.template ?? "—"} (iteración {i.iteration ?? "—"})
                          </summary>
                          <p class="message">{i.message ?? "(sin mensaje)"}</p>
                          {i.score && (
                            <p class="muted">
                              NPS {num2(i.score.nps_expected)} · engagement {num2(i.score.engagement_prob)} · churn {num2(i.score.churn_prob)} — {i.score.rationale}
                            </p>
                          )}
                        </details>
                      ) : (
                        <span class="muted">Aún no contactado</span>
                      )}
                    </td>
                    <td class="num">{num3(i?.reward)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Scroll>
      )}
    </DashboardPage>
  );
}
