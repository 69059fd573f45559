import type { AppEnv } from "../env.js";
import { Hono } from "hono";
import { z } from "zod";
import { ApiContextPatch } from "../../agents/context.js";
import { UnknownCustomerError } from "../../agents/router.js";
import type { CareRuntime } from "../../app/care-runtime.js";
import { ConversationOwnedError, runContact } from "../../app/contacts.js";
import { PolicyBindingError } from "../../policy/book.js";
import { conflict, notFound, parseWith, readJson } from "../helper/http.js";

export const RunRequest = z
  .object({
    message: z.string().trim().min(1).max(2000).optional(),
    priority: z.number().int().min(0).max(10).optional(),
    context: ApiContextPatch.optional(),
  })
  .strict();

/** One contact for one customer, synchronously: the answer is the logged interaction (or the hand-off). */
export function runsRouter(rt: CareRuntime) {
  return new Hono<AppEnv>().post("/:id/runs", async (c) => {
    const id = parseWith(z.string().min(1).max(64), c.req.param("id"), "path");
    const body = await readJson(c, RunRequest);
    if (!(await rt.store.customers.get(id))) throw notFound(`customer ${id}`);
    try {
      const out = await runContact(
        rt,
        { customer_id: id, message: body.message, priority: body.priority, context: body.context, request_id: c.get("requestId") },
        c.req.raw.signal,
      );
      return c.json(out, out.status === "handed_off" ? 202 : 200);
    } catch (e) {
      if (e instanceof ConversationOwnedError || e instanceof PolicyBindingError) throw conflict(e.message);
      if (e instanceof UnknownCustomerError) throw notFound(`customer ${id}`);
      throw e;
    }
  });
}

