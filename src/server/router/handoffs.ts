import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import type { CareRuntime } from "../../app/care-runtime.js";
import { applyResponse, handoffConfig } from "../../agents/human-review.js";
import { refusal, type ContactOutcome, type ResolveError } from "../../app/contacts.js";
import { conversationAnswer, releaseConversationWaits, type ConversationAnswerOutcome } from "../../app/conversation-handoffs.js";
import { CONVERSATION_GRAPH_ID } from "../../app/runs/graphs.js";
import { submitRun } from "../../app/runs/submit.js";
import type { RunWatcher } from "../../app/runs/watch.js";
import { endError } from "../helper/run-end.js";
import { queueMessage } from "../../app/messages.js";
import { AgentName as Agent, HumanResume } from "../../domain/human.js";
import type { AppEnv } from "../env.js";
import { conflict, HttpError, notFound, parseWith, readJson, readQuery } from "../helper/http.js";

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
      const { agent } = await readJson(c, ClaimRequest);
      const result = await rt.store.transaction(async (tx) => {
        const r = await tx.handoffs.claim(id, agent);
        if (r === "claimed") {
          const h = (await tx.handoffs.get(id))!;
          await tx.ownership.takeOver(h.customer_id, agent);
          await tx.audit.record(agent, "handoff.claimed", h.customer_id, { interaction_id: id });
        }
        return r;
      });
      if (result === "missing") throw notFound(`hand-off ${id}`);
      if (result === "taken") throw conflict(`hand-off ${id} is claimed by another agent`);
      if (result === "resolved") throw conflict(`hand-off ${id} is already resolved`);
      return c.json(await rt.store.handoffs.get(id));
    })
    .post("/:id/resolve", async (c) => {
      const id = parseWith(Id, c.req.param("id"), "path");
      const { agent, response } = await readJson(c, ResolveRequest);
      // Checked here for the answer's status; checked again by the run, which is what counts.
      const h = await rt.store.handoffs.get(id);
      const refused = refusal(h, agent);
      if (refused) throw refusedAnswer(id, refused);
      const graph = h!.graph;
      // A conversation hand-off's draft is the summary a person reads, not a reply to accept.
      if (graph === CONVERSATION_GRAPH_ID) conversationAnswer(response);
      else applyResponse(response, { config: handoffConfig(h!.draft) }, h!.draft);
      const run = await submitRun(rt.store, {
        thread_id: h!.thread_id!,
        assistant_id: graph,
        multitask_strategy: "enqueue",
        kwargs: { kind: "resolve", interaction_id: id, agent, response, request_id: c.get("requestId") },
      });
      const end = await watcher.end(run.run_id, c.req.raw.signal);
      if (!end) throw new HttpError(503, "abandoned", "the client left before the answer was delivered; it goes on");
      if (end.status !== "success") throw endError(end);
      return c.json(end.output as ContactOutcome | ConversationAnswerOutcome);
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
    .get("/:customer_id", async (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      const s = rt.store;
      if (!(await s.customers.get(id))) throw notFound(`customer ${id}`);
      return c.json({ customer_id: id, ...(await s.ownership.get(id)), inbound: await s.inbound.recent(id), outbound: await s.outbox.recent(id), audit: await s.audit.list(id) });
    })
    .post("/:customer_id/messages", async (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      const { agent, text } = await readJson(c, MessageRequest);
      // Nothing in the request tells one message from the same one sent again: without the client's key
      // every request is a new message.
      const key = `person:${id}:${parseWith(IdempotencyKey, c.req.header("idempotency-key"), "header") ?? randomUUID()}`;
      // Checked and queued in one transaction: the agent cannot lose the conversation in between.
      const message = await rt.store.transaction(async (tx) => {
        if (!(await tx.customers.get(id))) throw notFound(`customer ${id}`);
        const owner = await tx.ownership.get(id);
        if (owner.owner !== "human") throw conflict(`the bot owns the conversation with ${id}: a person writes only after taking it over`);
        if (owner.agent === null) throw conflict(`claim the pending hand-off of ${id} before writing to the customer`);
        if (owner.agent !== agent) throw new HttpError(403, "forbidden", `${owner.agent} owns this conversation`);
        const last = await tx.inbound.lastReceivedAt(id);
        if (last && Date.now() - last.getTime() > WHATSAPP_SESSION_MS)
          throw conflict(`WhatsApp takes free-form messages only within 24 hours of the customer's last one (${last.toISOString()}): send an approved template instead`);
        return queueMessage(tx, key, id, agent, text);
      });
      if (!message) throw conflict(`no channel reaches ${id}: the customer has not written to us on WhatsApp`);
      return c.json(message, 202);
    })
    .post("/:customer_id/handback", async (c) => {
      const id = parseWith(Id, c.req.param("customer_id"), "path");
      const { agent } = await readJson(c, HandBackRequest);
      const ownership = await rt.store.transaction(async (tx) => {
        const owner = await tx.ownership.get(id);
        if (owner.owner !== "human") throw conflict(`the bot already owns the conversation with ${id}`);
        if (owner.agent === null && (await tx.handoffs.pending()).some((h) => h.customer_id === id))
          throw conflict(`claim the pending hand-off of ${id} before handing it back`);
        if (owner.agent !== null && owner.agent !== agent) throw new HttpError(403, "forbidden", `only ${owner.agent} can hand this conversation back`);
        await tx.ownership.handBack(id);
        await tx.audit.record(agent, "conversation.handback", id);
        await releaseConversationWaits(tx, id, agent);
        return tx.ownership.get(id);
      });
      return c.json({ customer_id: id, ...ownership });
    });
}
