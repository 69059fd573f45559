import type { AppEnv } from "../env.js";
import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { Customer } from "../../domain/customer.js";
import { Segment } from "../../domain/segment.js";
import { forgeCustomers, PersonaParams } from "../../sim/persona-forge.js";
import { loadPersonaCorpus } from "../../store/assets.js";
import { CustomerCsvError, customersFromCsv } from "../../store/customer-csv.js";
import { conflict, HttpError, notFound, parseWith, queryInt, readJson, readQuery } from "../helper/http.js";

export const CustomerListQuery = z.object({ limit: queryInt(1, 1000, 100), offset: queryInt(0, 10_000_000, 0), segment: Segment.optional() });
export const GenerateRequest = PersonaParams.partial().strict().extend({ n: z.number().int().min(1).max(100_000).default(200) });

export function customersRouter(rt: CareRuntime) {
  const corpus = loadPersonaCorpus();
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const q = readQuery(c, CustomerListQuery);
      return c.json({ items: await rt.store.customers.list(q), total: await rt.store.customers.count(q), limit: q.limit, offset: q.offset });
    })
    .post("/", async (c) => {
      const customer = await readJson(c, Customer);
      await rt.store.customers.upsertMany([customer]);
      return c.json(customer, 201);
    })
    .post("/generate", async (c) => {
      const params = await readJson(c, GenerateRequest);
      const customers = forgeCustomers(params, corpus);
      // Checked and written in one transaction: a concurrent generate cannot take an id in between.
      await rt.store.transaction(async (tx) => {
        for (const x of customers)
          if (await tx.customers.get(x.customer_id)) throw conflict(`customer ${x.customer_id} exists already: choose another id_prefix (or seed and n)`);
        await tx.customers.upsertMany(customers);
      });
      return c.json({ created: customers.length, first_id: customers[0]?.customer_id, last_id: customers.at(-1)?.customer_id }, 201);
    })
    .post("/import", async (c) => {
      if (!(c.req.header("content-type") ?? "").startsWith("text/csv")) throw new HttpError(415, "unsupported_media_type", "send the CSV as text/csv");
      let customers: Customer[];
      try {
        customers = customersFromCsv(await c.req.text());
      } catch (e) {
        if (e instanceof CustomerCsvError) throw new HttpError(400, "invalid_csv", `${e.message}; nothing was imported`);
        throw e;
      }
      await rt.store.customers.upsertMany(customers);
      return c.json({ imported: customers.length }, 201);
    })
    .get("/:id", async (c) => {
      const id = parseWith(z.string().min(1).max(64), c.req.param("id"), "path");
      const customer = await rt.store.customers.get(id);
      if (!customer) throw notFound(`customer ${id}`);
      return c.json(customer);
    });
}
