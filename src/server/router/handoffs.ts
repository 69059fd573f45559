import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { resolveHandoff, type ResolveError } from "../../app/contacts.js";
import { queueMessage } from "../../app/messages.js";
import { AgentName as Agent, HumanResume } from "../../domain/human.js";
import type { AppEnv } from "../env.js";
import { conflict, HttpError, notFound, parseWith, readJson, readQuery } from "../helper/http.js";

export const ClaimRequest = z.object({ agent: Agent }).strict();
export const ResolveRequest = z.object({ agent: Agent, response: HumanResume }).strict();
export const HandoffListQuery = z.object({ status: z.enum(["pending", "resolved"]).default("pending") }).strict();
const Id = z.string().min(1).max(200);

/**
 * The human side of escalations. A claim is exclusive (two agents never answer the same customer) and
 * makes the conversation the agent's; resolving resumes the graph; handing back is its own event.
 */
export function handoffsRouter(rt: CareRuntime) {
  return new Hono<AppEnv>()
    .get("/", (c) => {
      const { status } = readQuery(c, HandoffListQuery);
      const rows = status === "pending" ? rt.deps.handoffs.pending() : rt.deps.handoffs.resolved();
      const items = rows.map((h) => ({ ...h, customer: rt.deps.customers.get(h.customer_id) ?? null }));
      return c.json({ items });
    })
    .get("/:id", (c) => {
      const id = parseWith(Id, c.req.param("id"), "path");
      const h = rt.deps.handoffs.get(id);
      if (!h) throw notFound(`hand-off ${id}`);
      return c.json({ ...h, customer: rt.deps.customers.get(h.customer_id) ?? null, audit: rt.audit.list(h.customer_id) });
    })
    .post("/:id/claim", async (c) => {
      const id = parseWith(Id, c.req.param("id"), "path");
      const { agent } = await readJson(c, ClaimRequest);
      const result = rt.db.transaction(() => {
        const r = rt.deps.handoffs.claim(id, agent);
        if (r === "claimed") {
          const h = rt.deps.handoffs.get(id)!;
          rt.ownership.takeOver(h.customer_id, agent);
          rt.audit.record(agent, "handoff.claimed", h.customer_id, { interaction_id: id });
        }
        return r;
      })();
      if (result === "missing") throw notFound(`hand-off ${id}`);
      if (result === "taken") throw conflict(`hand-off ${id} is claimed by another agent`);
      if (result === "resolved") throw conflict(`hand-off ${id} is already resolved`);
      return c.json(rt.deps.handoffs.get(id));
    })
    .post("/:id/resolve", async (c) => {
      const id = parseWith(Id, c.req.param("id"), "path");
      const { agent, response } = await readJson(c, ResolveRequest);
      const out = await resolveHandoff(rt, id, agent, response, c.req.raw.signal, c.get("requestId"));
      if (typeof out === "string") throw refusedAnswer(id, out);
      return c.json(out);
    });
}

/** Why a person's answer to hand-off `id` was refused, as an answer (the same on /v1 and the LangGraph routes). */
export function refusedAnswer(id: string, why: ResolveError): HttpError {
  switch (why) {
    case "missing":
      return notFound(`hand-off ${id}`);
    case "resolved":
      return conflict(`hand-off ${id} is already resolved`);
    case "not_claimed":
      return conflict(`claim hand-off ${id} before resolving it`);
    case "taken":
      return conflict(`hand-off ${id} is claimed by another agent`);
    case "in_progress":
      return conflict(`hand-off ${id} is being resolved`);
  }
}

export const HandBackRequest = z.object({ agent: Agent }).strict();
/** WhatsApp's customer service window: free-form messages only this long after the customer's last message. */
const WHATSAPP_SESSION_MS = 24 * 3600_000;

/** WhatsApp takes up to 1,600 characters in one message. */
export const MessageRequest = z.object({ agent: Agent, text: z.string().trim().min(1).max(1600) }).strict();

/** Conversation ownership: who speaks to the customer, and the explicit hand-back to the bot. */
export function conversationsRouter(rt: CareRuntime) {
  return new Hono<AppEnv>()
    .get("/:customer_id", (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      if (!rt.deps.customers.get(id)) throw notFound(`customer ${id}`);
      return c.json({ customer_id: id, ...rt.ownership.get(id), inbound: rt.inbound.recent(id), outbound: rt.outbox.recent(id), audit: rt.audit.list(id) });
    })
    .post("/:customer_id/messages", async (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      const { agent, text } = await readJson(c, MessageRequest);
      if (!rt.deps.customers.get(id)) throw notFound(`customer ${id}`);
      const owner = rt.ownership.get(id);
      if (owner.owner !== "human") throw conflict(`the bot owns the conversation with ${id}: a person writes only after taking it over`);
      if (owner.agent === null) throw conflict(`claim the pending hand-off of ${id} before writing to the customer`);
      if (owner.agent !== agent) throw new HttpError(403, "forbidden", `${owner.agent} owns this conversation`);
      const last = rt.inbound.lastReceivedAt(id);
      if (last && Date.now() - last.getTime() > WHATSAPP_SESSION_MS)
        throw conflict(`WhatsApp takes free-form messages only within 24 hours of the customer's last one (${last.toISOString()}): send an approved template instead`);
      const message = queueMessage(rt, id, agent, text);
      if (!message) throw conflict(`no channel reaches ${id}: the customer has not written to us on WhatsApp`);
      return c.json(message, 202);
    })
    .post("/:customer_id/handback", async (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      const { agent } = await readJson(c, HandBackRequest);
      const owner = rt.ownership.get(id);
      if (owner.owner !== "human") throw conflict(`the bot already owns the conversation with ${id}`);
      if (owner.agent === null && rt.deps.handoffs.pending().some((h) => h.customer_id === id))
        throw conflict(`claim the pending hand-off of ${id} before handing it back`);
      if (owner.agent !== null && owner.agent !== agent) throw new HttpError(403, "forbidden", `only ${owner.agent} can hand this conversation back`);
      rt.db.transaction(() => {
        rt.ownership.handBack(id);
        rt.audit.record(agent, "conversation.handback", id);
      })();
      return c.json({ customer_id: id, ...rt.ownership.get(id) });
    });
}
