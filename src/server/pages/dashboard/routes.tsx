import { Hono, type Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import { z } from "zod";
import type { CareRuntime } from "../../../app/care-runtime.js";
import { againstTargets, recentConversationKpis } from "../../../app/conversation-kpis.js";
import { SeriesBusyError } from "../../../app/experiment-jobs.js";
import { interactionsCsv } from "../../../app/interactions-export.js";
import { evaluateFromLog, OpeInputError } from "../../../app/ope.js";
import { policyRecommendations, policyView, resetPolicy, setPolicyFrozen } from "../../../app/policy-admin.js";
import { listSeries, seriesIterations, seriesMetrics } from "../../../app/series-metrics.js";
import { DatasetMissingError, generateDataset, outreachRanking, SeriesParams, seriesId } from "../../../app/simulation.js";
import type { Interaction } from "../../../domain/interaction.js";
import { IssueBucket, Segment } from "../../../domain/segment.js";
import { TEMPLATE_IDS, TemplateId } from "../../../domain/template.js";
import { PolicyName } from "../../../policy/registry.js";
import { loadConversationTargets } from "../../../store/assets.js";
import type { AppEnv } from "../../env.js";
import { HttpError, notFound, parseWith, queryInt, readForm, readQuery, unlessBlank } from "../../helper/http.js";
import { requireRole } from "../../middleware/session.js";
import type { PagesOptions } from "../options.js";
import { ConversationsPage, PAGE_SIZE } from "./conversations.js";
import { MetricsPage } from "./metrics.js";
import { OutreachPage } from "./outreach.js";
import { OpeResult, RecommendationsPage } from "./recommendations.js";
import { chartUpdate } from "./chart.js";
import { rewardChart } from "./series-charts.js";
import { DatasetResult, JobProgress, SimulationPage, type JobView } from "./simulation.js";

/** The Simulación form: the series' sliders, and how many iterations a whole experiment runs. */
const SimForm = SeriesParams.extend({ iterations: z.coerce.number().int().min(1).max(50).default(5) }).strict();
type SimForm = z.infer<typeof SimForm>;

const Namespace = z.string().max(120).regex(/^[A-Za-z0-9_./:-]+$/, "letters, digits and _ . / : - only");
const ConversationQuery = z
  .object({
    ns: unlessBlank(Namespace),
    segment: unlessBlank(Segment),
    issue: unlessBlank(IssueBucket),
    template: unlessBlank(TemplateId),
    safety: unlessBlank(z.enum(["ok", "fixable", "severe"])),
    page: queryInt(1, 100_000, 1),
  })
  .strict();
const SeriesQuery = z.object({ serie: unlessBlank(Namespace) }).strict();
const JobId = z.string().max(200).regex(/^sim-[A-Za-z0-9-]+$/, "a console run id");
const NsForm = z.object({ ns: Namespace }).strict();
const OpeForm = z.object({ ns: Namespace, policy: PolicyName, train_share: z.coerce.number().min(0).max(0.9).default(0.5) }).strict();
const DONE_NOTICE = { congelada: "Política congelada: decide sin aprender.", descongelada: "Política descongelada: vuelve a aprender.", reiniciada: "Lo aprendido se borró." } as const;
const RecQuery = z.object({ ns: unlessBlank(Namespace), hecho: unlessBlank(z.enum(["congelada", "descongelada", "reiniciada"])) }).strict();

/** A run's recorded params, as the form's fields (a run of n iterations is a form asking for n). */
const pickSimFields = (params: Record<string, unknown>) => Object.fromEntries(Object.keys(SimForm.shape).flatMap((k) => (params[k] === undefined ? [] : [[k, params[k]]])));
const seriesParamsOf = ({ iterations: _, ...p }: SimForm): SeriesParams => p;

/** The operator's dashboard: /console/simulacion, /conversaciones, /outreach, /metricas, /recomendaciones. */
export function dashboardPages(rt: CareRuntime, o: PagesOptions): Hono<AppEnv> {
  const operator = requireRole("operator");
  const targets = loadConversationTargets();
  const actor = (c: Context<AppEnv>) => c.get("user")!.name;
  const seriesNames = async () => (await listSeries(rt.store)).map((s) => s.series);
  const consoleSeries = async () => (await seriesNames()).filter((s) => s.startsWith("sim-"));

  /** htmx gets the fragment; a plain form post the whole page with the fragment in it. */
  const simAnswer = async (c: Context<AppEnv>, f: SimForm, fragment: HtmlEscapedString | Promise<HtmlEscapedString>, status: 200 | 202 = 200) => {
    if (c.req.header("hx-request")) return c.html(fragment, status);
    const points = await seriesIterations(rt.store, seriesId(seriesParamsOf(f)));
    return c.html(<SimulationPage c={c} p={seriesParamsOf(f)} iterations={f.iterations} iterationPoints={points} result={fragment} />, status);
  };

  const startRun = (iterations: (f: SimForm) => number) => async (c: Context<AppEnv>) => {
    const f = await readForm(c, SimForm);
    try {
      const { id } = await o.jobs.startSeries(seriesParamsOf(f), iterations(f));
      await rt.store.audit.record(actor(c), "experiment.started", `experiment:${id}`, { ...f, iterations: iterations(f) });
      return simAnswer(c, f, <JobProgress job={{ state: "running", id, done: 0, total: 0 }} />, 202);
    } catch (e) {
      if (e instanceof DatasetMissingError) throw new HttpError(409, "dataset_missing", "Genera los clientes de este conjunto antes de correr una iteración.");
      if (e instanceof SeriesBusyError) throw new HttpError(409, "series_busy", "Esta serie ya tiene una corrida en curso; espera a que termine.");
      throw e;
    }
  };

  const jobView = async (id: string): Promise<JobView> => {
    const running = o.jobs.progress(id);
    if (running) return { state: "running", id, ...running };
    const e = await rt.store.experiments.get(id);
    if (!e) throw notFound(`run ${id}`);
    if (e.status === "running") return { state: "elsewhere", id };
    if (e.status !== "done") return { state: e.status, id, error: String((e.summary as { error?: unknown } | null)?.error ?? "sin detalle") };
    const series = String(e.params["series"]);
    const s = e.summary as { policy: { mean_reward: number; iterations: Array<{ iteration: number }> }; baseline: { mean_reward: number } };
    return {
      state: "done",
      id,
      series,
      first: s.policy.iterations[0]?.iteration ?? 0,
      last: s.policy.iterations.at(-1)?.iteration ?? 0,
      reward: s.policy.mean_reward,
      baseline: s.baseline.mean_reward,
    };
  };

  const conversationFilter = (q: z.infer<typeof ConversationQuery>) => ({ policy_namespace: q.ns, segment: q.segment, issue_bucket: q.issue, template: q.template, safety_verdict: q.safety });

  return new Hono<AppEnv>()
    .get("/simulacion", operator, async (c) => {
      // The sliders of the latest console run unless the URL sets them: its chart is the one to watch.
      const latest = (await rt.store.experiments.list(50)).find((e) => String(e.params["series"] ?? "").startsWith("sim-"));
      // Its sliders only: how many iterations a whole experiment runs keeps its default.
      const { iterations: _, ...sliders } = pickSimFields(latest?.params ?? {});
      const asked = Object.keys(c.req.query()).length ? c.req.query() : sliders;
      const r = SimForm.safeParse(asked);
      const f = r.success ? r.data : SimForm.parse({});
      const series = seriesId(seriesParamsOf(f));
      const points = await seriesIterations(rt.store, series);
      // A reload during a run finds its progress bar again.
      const running = o.jobs.runningSeries(series);
      const result = running ? <JobProgress job={await jobView(running)} /> : undefined;
      return c.html(<SimulationPage c={c} p={seriesParamsOf(f)} iterations={f.iterations} iterationPoints={points} result={result} />);
    })
    .post("/simulacion/clientes", operator, async (c) => {
      const f = await readForm(c, SimForm);
      const r = await generateDataset(rt, seriesParamsOf(f));
      await rt.store.audit.record(actor(c), "customers.generated", `dataset:${r.dataset}`, { created: r.created });
      return simAnswer(c, f, <DatasetResult created={r.created} dataset={r.dataset} by={r.by_segment} />);
    })
    .post("/simulacion/iteracion", operator, startRun(() => 1))
    .post("/simulacion/experimento", operator, startRun((f) => f.iterations))
    .get("/simulacion/progreso/:id", operator, async (c) => {
      const job = await jobView(parseWith(JobId, c.req.param("id"), "path"));
      if (job.state === "done") c.header(...chartUpdate(rewardChart(await seriesIterations(rt.store, job.series))));
      return c.html(<JobProgress job={job} />);
    })

    .post("/simulacion/cancelar/:id", operator, async (c) => {
      const id = parseWith(JobId, c.req.param("id"), "path");
      if (!o.jobs.cancel(id)) throw new HttpError(409, "not_running", "Esa corrida ya no está en curso en este proceso.");
      await rt.store.audit.record(actor(c), "experiment.cancelled", `experiment:${id}`);
      // The run stops at its next contact; the progress keeps polling until its record says so.
      return c.html(<JobProgress job={await jobView(id)} />);
    })

    .get("/conversaciones", operator, async (c) => {
      const q = readQuery(c, ConversationQuery);
      const items = await rt.store.interactions.list({ ...conversationFilter(q), newest_first: true, limit: PAGE_SIZE + 1, offset: (q.page - 1) * PAGE_SIZE });
      const namespaces = (await seriesNames()).flatMap((s) => [`${s}/policy`, `${s}/baseline`]);
      return c.html(<ConversationsPage c={c} f={q} items={items.slice(0, PAGE_SIZE)} more={items.length > PAGE_SIZE} namespaces={["main", ...namespaces]} />);
    })
    .get("/conversaciones.csv", operator, async (c) => {
      const q = readQuery(c, ConversationQuery);
      const chunks = interactionsCsv(rt.store.interactions, conversationFilter(q));
      // A BOM first: spreadsheets then read the accents as UTF-8.
      let first = true;
      const body = new ReadableStream<Uint8Array>({
        async pull(ctrl) {
          const enc = new TextEncoder();
          if (first) (first = false), ctrl.enqueue(enc.encode("\ufeff"));
          const next = await chunks.next();
          if (next.done) ctrl.close();
          else ctrl.enqueue(enc.encode(next.value));
        },
        cancel: () => void chunks.return(undefined),
      });
      const day = new Date().toISOString().slice(0, 10);
      return new Response(body, {
        headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="interacciones-${day}.csv"` },
      });
    })

    .get("/outreach", operator, async (c) => {
      const q = readQuery(c, SeriesQuery);
      const series = await consoleSeries();
      const current = q.serie ?? series[0];
      const record = current ? (await rt.store.experiments.list(500)).find((e) => e.params["series"] === current) : undefined;
      const params = record && SimForm.safeParse(pickSimFields(record.params));
      const last = new Map<string, Interaction>();
      if (params?.success)
        for (const i of await rt.store.interactions.list({ policy_namespace: `${current}/policy`, route: "silent" })) last.set(i.customer_id, i);
      return c.html(<OutreachPage c={c} series={series} current={current} ranking={params?.success ? outreachRanking(seriesParamsOf(params.data)) : []} last={last} />);
    })

    .get("/metricas", operator, async (c) => {
      const q = readQuery(c, SeriesQuery);
      const series = await seriesNames();
      const current = q.serie ?? series[0];
      const kpis = await recentConversationKpis(rt.store, o.modelCalls);
      const m = current ? await seriesMetrics(rt.store, current) : undefined;
      return c.html(<MetricsPage c={c} series={series} current={current} m={m} kpis={kpis} targets={againstTargets(kpis, targets)} />);
    })

    .get("/recomendaciones", operator, async (c) => {
      const q = readQuery(c, RecQuery);
      const namespaces = ["main", ...(await seriesNames()).map((s) => `${s}/policy`)];
      const ns = q.ns ?? "main";
      const view = await policyView(rt, ns);
      return c.html(<RecommendationsPage c={c} namespaces={namespaces} ns={ns} view={view} items={view ? policyRecommendations(view) : []} notice={q.hecho && DONE_NOTICE[q.hecho]} />);
    })
    .post("/recomendaciones/:action{congelar|descongelar|reiniciar}", operator, async (c) => {
      const { ns } = await readForm(c, NsForm);
      const action = c.req.param("action");
      const ok = action === "reiniciar" ? await resetPolicy(rt, ns, actor(c)) : await setPolicyFrozen(rt, ns, action === "congelar", actor(c));
      if (!ok) throw notFound(`policy namespace ${ns}`);
      const done = action === "reiniciar" ? "reiniciada" : action === "congelar" ? "congelada" : "descongelada";
      return c.redirect(`/console/recomendaciones?ns=${encodeURIComponent(ns)}&hecho=${done}`, 303);
    })
    .post("/recomendaciones/ope", operator, async (c) => {
      const f = await readForm(c, OpeForm);
      try {
        const r = await evaluateFromLog(rt.store, TEMPLATE_IDS, { policy: f.policy, namespace: f.ns, trainShare: f.train_share, seed: 7 });
        return c.html(<OpeResult r={r} />);
      } catch (e) {
        if (e instanceof OpeInputError) throw new HttpError(422, "ope_input", `No hay registros suficientes para estimar: ${e.message}`);
        throw e;
      }
    });
}
