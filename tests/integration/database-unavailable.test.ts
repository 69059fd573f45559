import { afterAll, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";
import { customer, testRuntime } from "../helpers/runtime.js";

const rt = await testRuntime({ customers: [customer({ customer_id: "c1" })] });
afterAll(() => rt.close());

/**
 * A database that cannot serve now (PostgreSQL out of connection slots, as a shared server under load was seen to be)
 * is a 503 the client may retry, not a 500 that says our code broke; any other failure stays a 500.
 */
it("answers 503 with Retry-After while the database refuses connections, and 500 for any other failure", async () => {
  const app = testApp(rt);
  const get = rt.store.customers.get;
  try {
    rt.store.customers.get = async () => {
      throw Object.assign(new Error("sorry, too many clients already"), { code: "53300" });
    };
    const refused = await app.request("/v1/customers/c1", { headers: { "x-api-key": "k" } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unavailable");

    rt.store.customers.get = async () => {
      throw new TypeError("a bug");
    };
    expect((await app.request("/v1/customers/c1", { headers: { "x-api-key": "k" } })).status).toBe(500);
  } finally {
    rt.store.customers.get = get;
  }
  expect((await app.request("/v1/customers/c1", { headers: { "x-api-key": "k" } })).status).toBe(200);
});
