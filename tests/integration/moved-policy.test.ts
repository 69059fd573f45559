import { afterAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";
import { testRuntime } from "../helpers/runtime.js";
import { rawDb } from "../helpers/sql.js";

const rt = await testRuntime();
afterAll(() => rt.close());
const app = testApp(rt);
const customerId = (await rt.store.customers.list({ limit: 1 }))[0]!.customer_id;

describe("a database whose namespace learned with a policy moved to bench/", () => {
  it("refuses a run on it with a 409 naming the policy, and stores nothing for the run", async () => {
    // What an earlier version that shipped pool-split left behind.
    rawDb(rt).prepare("INSERT INTO policies (namespace, policy) VALUES ('main', 'pool-split')").run();
    const r = await app.request(`/v1/customers/${customerId}/runs`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: "{}",
    });
    expect(r.status).toBe(409);
    expect((await r.json()).error.message).toMatch(/learned with pool-split, which this version no longer ships/);
    expect(rawDb(rt).prepare("SELECT count(*) AS n FROM interactions").get()).toEqual({ n: 0 });
  });

  it("answers the policy view with that 409 too, and a reset frees the namespace", async () => {
    const auth = { authorization: "Bearer k", "content-type": "application/json" };
    const view = await app.request("/v1/policy", { headers: auth });
    expect(view.status).toBe(409);
    expect((await view.json()).error.message).toMatch(/pool-split/);
    expect((await app.request("/v1/policy/reset", { method: "POST", headers: auth, body: "{}" })).status).toBe(200);
    const fresh = await app.request("/v1/policy", { headers: auth });
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toMatchObject({ policy: "thompson", arms: [] });
  });
});
