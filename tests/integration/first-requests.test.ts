import { afterAll, describe, expect, it } from "vitest";
import { customer, testRuntime } from "../helpers/runtime.js";
import { testApp } from "../helpers/app.js";
import { rawDb } from "../helpers/sql.js";

// What a new user meets first: a server no contact has run on yet.
const rt = await testRuntime({
  customers: [customer({ customer_id: "a1", segment: "VF" }), customer({ customer_id: "a2", segment: "VF" }), customer({ customer_id: "b1", segment: "VE" })],
});
const app = testApp(rt);
afterAll(() => rt.close());
const get = async (path: string) => {
  const r = await app.request(path, { headers: { authorization: "Bearer k" } });
  return { status: r.status, body: await r.json() };
};

describe("a fresh server", () => {
  it("shows the main namespace's default policy, with no data, before any contact ran", async () => {
    expect(await get("/v1/policy")).toEqual({ status: 200, body: { namespace: "main", policy: "thompson", frozen: false, arms: [] } });
    expect(await get("/v1/policy/recommendations")).toEqual({ status: 200, body: { namespace: "main", policy: "thompson", items: [] } });
    // Looking binds nothing: the first contact may still choose the namespace's policy.
    expect(rawDb(rt).prepare("SELECT count(*) AS n FROM policies").get()).toEqual({ n: 0 });
    expect((await get("/v1/policy?namespace=exp-nope/policy")).status).toBe(404);
  });

  it("lists customers of a segment with that segment's total", async () => {
    const vf = await get("/v1/customers?segment=VF&limit=1");
    expect(vf.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(vf.body.items.map((c: { customer_id: string }) => c.customer_id)).toEqual(["a1"]);
    expect((await get("/v1/customers?segment=VE")).body.total).toBe(1);
    expect((await get("/v1/customers")).body.total).toBe(3);
  });
});
