import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import type { ResolveError } from "../../app/contacts.js";
import { answerRefusal, claimHandoff, handBackConversation, sendPersonMessage, submitAnswer } from "../../app/handoff-actions.js";
import type { RunWatcher } from "../../app/runs/watch.js";
import { actingAgent, apiKeyOf } from "../helper/agent.js";
import { answerEnd } from "../helper/run-end.js";
import { AgentName, HumanResume } from "../../domain/human.js";
import type { AppEnv } from "../env.js";
import { conflict, HttpError, notFound, parseWith, readJson, readQuery, refusedHttp } from "../helper/http.js";

/** Who the request acts for: a person (actingAgent checks the name is a registered, enabled agent or admin). */
const Agent = AgentName.describe(
  "The user name of the person the request acts for: a registered, enabled user whose role is agent or admin (care-graph users add). The API key authenticates the machine; anyone else is refused with 422 unknown_agent.",
);
export const ClaimRequest = z.object({ agent: Agent }).strict();
export const ResolveRequest = z.object({ agent: Agent, response: HumanResume }).strict();
export const HandoffListQuery = z.object({ status: z.enum(["pending", "resolved"]).default("pending") }).strict();
const Id = z.string().min(1).max(200);
/** A client's retry of the same message carries the key of its first try (RFC draft "Idempotency-Key"). */
const IdempotencyKey = z.string().trim().min(1).max(200).optional();

/**
 * The human side of escalations. A claim is exclusive (two agents never answer the same customer) and
 * makes the conversation the agent's; resolving resumes the graph; handing back is its own event.
 */
export function handoffsRouter(rt: CareRuntime, watcher: RunWatcher) {
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const { status } = readQuery(c, HandoffListQuery);
      const rows = await (status === "pending" ? rt.store.handoffs.pending() : rt.store.handoffs.resolved());
      const items = await Promise.all(rows.map(async (h) => ({ ...h, customer: (await rt.store.customers.get(h.customer_id)) ?? null })));
      return c.json({ items });
    })
    .get("/:id", async (c) => {
      const id = parseWith(Id, c.req.param("id"), "path");
      const h = await rt.store.handoffs.get(id);
      if (!h) throw notFound(`hand-off ${id}`);
      return c.json({ ...h, customer: (await rt.store.customers.get(h.customer_id)) ?? null, audit: await rt.store.audit.list(h.customer_id) });
    })
    .post("/:id/claim", async (c) => {
      const id = parseWith(Id, c.req.param("id"), "path");
      const body = await readJson(c, ClaimRequest);
      const agent = await actingAgent(rt.store, body.agent, "body.agent");
      const result = await claimHandoff(rt.store, id, agent, apiKeyOf(c));
      if (result === "missing") throw notFound(`hand-off ${id}`);
      if (result === "taken") throw conflict(`hand-off ${id} is claimed by another agent`);
      if (result === "resolved") throw conflict(`hand-off ${id} is already resolved`);
      return c.json(await rt.store.handoffs.get(id));
    })
    .post("/:id/resolve", async (c) => {
      const id = parseWith(Id, c.req.param("id"), "path");
      const body = await readJson(c, ResolveRequest);
      const agent = await actingAgent(rt.store, body.agent, "body.agent");
      // Checked here for the answer's status; checked again by the run, which is what counts.
      const run = await submitAnswer(rt.store, id, agent, body.response, c.get("requestId"), apiKeyOf(c));
      return c.json(await answerEnd(watcher, run.run_id, c.req.raw.signal));
    });
}

/** Why a person's answer to hand-off `id` was refused, as an answer (the same on /v1 and the LangGraph routes). */
export const refusedAnswer = (id: string, why: ResolveError): HttpError => refusedHttp(answerRefusal(id, why));

export const HandBackRequest = z.object({ agent: Agent }).strict();
/** WhatsApp takes up to 1,600 characters in one message. */
export const MessageRequest = z.object({ agent: Agent, text: z.string().trim().min(1).max(1600) }).strict();

/** Conversation ownership: who speaks to the customer, and the explicit hand-back to the bot. */
export function conversationsRouter(rt: CareRuntime) {
  return new Hono<AppEnv>()
    .get("/:customer_id", async (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      const s = rt.store;
      if (!(await s.customers.get(id))) throw notFound(`customer ${id}`);
      return c.json({ customer_id: id, ...(await s.ownership.get(id)), inbound: await s.inbound.recent(id), outbound: await s.outbox.recent(id), audit: await s.audit.list(id) });
    })
    .post("/:customer_id/messages", async (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      const body = await readJson(c, MessageRequest);
      const agent = await actingAgent(rt.store, body.agent, "body.agent");
      // Nothing in the request tells one message from the same one sent again: without the client's key
      // every request is a new message.
      const key = `person:${id}:${parseWith(IdempotencyKey, c.req.header("idempotency-key"), "header") ?? randomUUID()}`;
      return c.json(await sendPersonMessage(rt.store, id, agent, body.text, key, apiKeyOf(c)), 202);
    })
    .post("/:customer_id/handback", async (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      const body = await readJson(c, HandBackRequest);
      const agent = await actingAgent(rt.store, body.agent, "body.agent");
      return c.json({ customer_id: id, ...(await handBackConversation(rt.store, id, agent, apiKeyOf(c))) });
    });
}
