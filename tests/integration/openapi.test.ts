import { afterAll, describe, expect, it } from "vitest";
import type { CareRuntime } from "../../src/app/care-runtime.js";
import { testApp } from "../helpers/app.js";
import { testRuntime } from "../helpers/runtime.js";

const rt: CareRuntime = await testRuntime({ customers: [] });
afterAll(() => rt.close());
const app = testApp(rt);

describe("OpenAPI document and /docs", () => {
  it("is OpenAPI 3.1 and describes every /v1, webhook and operations route the app serves", async () => {
    const doc = await (await app.request("/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    const documented = new Set(
      Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{\w+\}/g, ":_")}`)),
    );
    const served = app.routes
      .filter((r) => r.method !== "ALL" && /^\/(v1|webhooks|healthz|readyz|metrics)/.test(r.path))
      .map((r) => `${r.method} ${r.path.replace(/:\w+/g, ":_").replace(/\/$/, "") || "/"}`);
    expect(served.length).toBeGreaterThan(25);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
  });

  it("names each request body's fields with their constraints", async () => {
    const doc = await (await app.request("/openapi.json")).json();
    const generate = doc.paths["/v1/customers/generate"].post.requestBody.content["application/json"].schema;
    expect(generate.properties.share_angry).toMatchObject({ type: "number", minimum: 0, maximum: 1 });
    expect(doc.paths["/v1/handoffs/{interaction_id}/claim"].post.responses["409"]).toBeDefined();
  });

  it("serves a docs page that loads nothing from another host", async () => {
    const res = await app.request("/docs");
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("openapi.json");
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
  });
});
