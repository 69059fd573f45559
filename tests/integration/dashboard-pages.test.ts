import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { addUser } from "../../src/app/people.js";
import { EXPORT_COLUMNS } from "../../src/app/interactions-export.js";
import { parseCsv } from "../../src/store/csv.js";
import { testApp } from "../helpers/app.js";
import { TEST_PASSWORD } from "../helpers/browser.js";
import { ConsoleClient } from "../helpers/console.js";
import { interaction } from "../contract/fixtures.js";
import { testRuntime } from "../helpers/runtime.js";

let rt: CareRuntime;
let app: ReturnType<typeof testApp>;
let olga: ConsoleClient;
const HX = { "hx-request": "true" };

beforeAll(async () => {
  rt = await testRuntime({ customers: [] });
  app = testApp(rt);
  await addUser(rt.store, { name: "olga", role: "operator", password: TEST_PASSWORD });
  olga = new ConsoleClient(app);
  await olga.signIn("olga");
  await olga.page("/console/simulacion");
});
afterAll(() => rt.close());

describe("the dashboard's forms", () => {
  it("refuses a slider out of range or a field it does not know, naming the field", async () => {
    const bad = await olga.form("/console/simulacion/clientes", { customers: "40", share_angry: "2" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("form.share_angry");
    const unknown = await olga.form("/console/simulacion/clientes", { customers: "40", colour: "red" });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("colour");
  });

  it("asks for the dataset before an iteration, in the page's #flash for htmx", async () => {
    const r = await olga.form("/console/simulacion/iteracion", { customers: "30", seed: "99" }, { headers: HX });
    expect(r.status).toBe(409);
    expect(r.headers.get("hx-retarget")).toBe("#flash");
    expect(await r.text()).toContain("Genera los clientes de este conjunto");
    expect((await olga.request("/console/simulacion/progreso/not-a-run")).status).toBe(400);
    expect((await olga.request("/console/simulacion/progreso/sim-nothing-here")).status).toBe(404);
  });

  it("cancels a running experiment, which records it as cancelled", async () => {
    const sliders = { customers: "30", seed: "41", top_n: "15" };
    expect((await olga.form("/console/simulacion/clientes", sliders, { headers: HX })).status).toBe(200);
    const started = await olga.form("/console/simulacion/experimento", { ...sliders, iterations: "50" }, { headers: HX });
    expect(started.status).toBe(202);
    const id = /hx-get="\/console\/simulacion\/progreso\/([^"]+)"/.exec(await started.text())![1]!;
    // A reload of the page finds the run's progress bar.
    expect((await olga.page("/console/simulacion?customers=30&seed=41&top_n=15")).html).toContain(`/console/simulacion/progreso/${id}`);
    const cancel = await olga.request(`/console/simulacion/cancelar/${id}`, { method: "POST", headers: { ...HX, "x-csrf-token": olga.csrf } });
    expect(cancel.status).toBe(200);
    await expect.poll(async () => (await rt.store.experiments.get(id))?.status, { timeout: 20_000, interval: 20 }).toBe("cancelled");
    expect(await (await olga.request(`/console/simulacion/progreso/${id}`)).text()).toContain("La corrida se canceló");
    expect((await olga.request(`/console/simulacion/cancelar/${id}`, { method: "POST", headers: { ...HX, "x-csrf-token": olga.csrf } })).status).toBe(409);
    expect((await rt.store.audit.list(`experiment:${id}`)).map((e) => [e.actor, e.action])).toEqual([
      ["olga", "experiment.started"],
      ["olga", "experiment.cancelled"],
    ]);
  });

  it("freezes, unfreezes and resets a namespace's policy as the signed-in operator; 404 for one with nothing bound", async () => {
    await rt.deps.policies.get("ops/policy", "thompson");
    const froze = await olga.form("/console/recomendaciones/congelar", { ns: "ops/policy" });
    expect(froze.status).toBe(303);
    expect(froze.headers.get("location")).toBe("/console/recomendaciones?ns=ops%2Fpolicy&hecho=congelada");
    expect((await rt.store.policyState.binding("ops/policy"))?.frozen).toBe(true);
    expect((await olga.page("/console/recomendaciones?ns=ops%2Fpolicy&hecho=congelada")).html).toContain("Política congelada");
    expect((await olga.form("/console/recomendaciones/descongelar", { ns: "ops/policy" })).status).toBe(303);
    expect((await rt.store.policyState.binding("ops/policy"))?.frozen).toBe(false);
    expect((await olga.form("/console/recomendaciones/reiniciar", { ns: "ops/policy" })).status).toBe(303);
    expect((await rt.store.audit.list("policy:ops/policy")).map((e) => [e.actor, e.action])).toEqual([
      ["olga", "policy.freeze"],
      ["olga", "policy.unfreeze"],
      ["olga", "policy.reset"],
    ]);
    expect((await olga.form("/console/recomendaciones/congelar", { ns: "nobody/policy" })).status).toBe(404);
  });

  it("says in words when the log is too thin for an off-policy estimate", async () => {
    const r = await olga.form("/console/recomendaciones/ope", { ns: "empty/policy", policy: "linucb", train_share: "0.5" }, { headers: HX });
    expect(r.status).toBe(422);
    expect(await r.text()).toContain("No hay registros suficientes para estimar");
  });
});

describe("the interactions, on the page and exported", () => {
  const evil = '=HYPERLINK("http://x","<script>alert(1)</script>")';
  beforeAll(async () => {
    await rt.store.interactions.upsert(interaction("x1-evil", { policy_namespace: "evil/policy", message: evil, segment: "VE" }));
    await rt.store.interactions.upsert(interaction("x2-calm", { policy_namespace: "evil/policy", message: "Hola, ¿cómo le fue?", segment: "VF" }));
  });

  it("lists the newest first, filtered by the safety verdict too", async () => {
    // x2-calm was written after x1-evil (and within one clock tick, the id breaks the tie the same way).
    const all = (await olga.page("/console/conversaciones?ns=evil%2Fpolicy")).html;
    expect(all.indexOf("Hola, ¿cómo le fue?")).toBeLessThan(all.indexOf("HYPERLINK"));
    const severe = (await olga.page("/console/conversaciones?ns=evil%2Fpolicy&safety=severe")).html;
    expect(severe).toContain("No hay interacciones con este filtro.");
    expect((await olga.page("/console/conversaciones?ns=evil%2Fpolicy&safety=ok")).html).toContain("HYPERLINK");
  });

  it("shows a customer's markup as text", async () => {
    const { html } = await olga.page("/console/conversaciones?ns=evil%2Fpolicy");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("streams the filtered log as CSV, a formula written as text", async () => {
    const r = await olga.request("/console/conversaciones.csv?ns=evil%2Fpolicy&segment=VE");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="interacciones-\d{4}-\d\d-\d\d\.csv"$/);
    const bytes = new Uint8Array(await r.arrayBuffer());
    // The BOM first, for spreadsheets.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""<script>alert(1)</script>"")"`);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...EXPORT_COLUMNS]);
    expect(rows.map((row) => row[EXPORT_COLUMNS.indexOf("message")])).toEqual([evil]);
  });

  it("refuses a filter it does not know", async () => {
    expect((await olga.request("/console/conversaciones.csv?segment=XX")).status).toBe(400);
  });
});
