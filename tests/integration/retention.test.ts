import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Command } from "@langchain/langgraph";
import { randomUUID } from "node:crypto";
import { runChat } from "../../src/app/conversation-runs.js";
import type { Database } from "../../src/app/care-runtime.js";
import { freshSchema, pgReachable, url } from "../contract/backends.js";
import { customer, ctx, testRuntime } from "../helpers/runtime.js";
import { checkpointCount, rawDb } from "../helpers/sql.js";
import { queued } from "../helpers/outbox.js";

const customers = [customer({ customer_id: "a", segment: "VF", first_message: "Hola, ¿y mis placas?", issue_bucket: "logistica" }), customer({ customer_id: "legal", first_message: "Voy a ir a PROFECO" })];
const rt = await testRuntime({ customers });
afterAll(() => rt.close());

const pgSchema = freshSchema();
const databases: Array<{ name: string; skip: boolean; database?: Database; drop: () => Promise<void> }> = [
  { name: "sqlite", skip: false, drop: async () => {} },
  { name: "postgres", skip: !pgReachable, database: { postgres: url, schema: pgSchema.schema }, drop: pgSchema.drop },
];

describe.each(databases)("checkpoint retention ($name)", ({ skip, database, drop }) => {
  if (skip) return;
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  beforeAll(async () => {
    rt = await testRuntime({ customers, database });
  });
  afterAll(async () => {
    await rt.close();
    await drop();
  });
  const count = (thread: string) => checkpointCount(rt, thread);

  it("keeps only the last checkpoint of finished contacts, and leaves waiting ones whole", async () => {
    const done = await rt.graph.invoke({ customer_id: "a" }, { configurable: { thread_id: "done" }, context: ctx({ churn_threshold: 1 }) });
    await rt.graph.invoke({ customer_id: "legal" }, { configurable: { thread_id: "waiting" }, context: ctx() });
    const before = { done: await count("done"), waiting: await count("waiting") };
    expect(before.done).toBeGreaterThan(3);

    const r = await rt.store.pruneCheckpoints(new Date(Date.now() + 60_000));
    expect(r.threads).toBe(1);
    expect(r.checkpoints).toBe(before.done - 1);
    expect(await count("done")).toBe(1);
    expect(await count("waiting")).toBe(before.waiting);
    // The finished contact's state is still readable, and the log is untouched.
    const snapshot = await rt.graph.getState({ configurable: { thread_id: "done" } });
    expect(snapshot.values.contact.outcome).toEqual(done.contact.outcome);
    expect((await rt.store.interactions.get("done"))!.status).toBe("scored");
    // The waiting one still resumes.
    const resumed = await rt.graph.invoke(new Command({ resume: [{ type: "ignore", args: null }] }), { configurable: { thread_id: "waiting" }, context: ctx() });
    expect(resumed.contact.outcome?.status).toBe("ignored");
  });

  it("keeps a conversation's last checkpoint between turns, and the next turn goes on from it", async () => {
    const say = (thread: string, message: string) => runChat(rt, { thread_id: thread, message, context: { channel: "api" }, run_id: randomUUID() });
    await say("chat-idle", "busco un jetta");
    await say("chat-idle", "el más barato");
    await say("chat-person", "quiero hablar con una persona");
    const before = { idle: await count("chat-idle"), person: await count("chat-person") };
    expect(before.idle).toBeGreaterThan(2);

    const r = await rt.store.pruneCheckpoints(new Date(Date.now() + 60_000));
    expect(r.checkpoints).toBeGreaterThanOrEqual(before.idle - 1);
    expect(await count("chat-idle")).toBe(1);
    expect(await count("chat-person")).toBe(before.person); // waits for a person: whole
    const next = await say("chat-idle", "con 20% de enganche a 48 meses");
    expect(next.reply).toContain("Jetta");
    expect(next.turn.tools).toContain("simulate_financing");
  });

  it("spares contacts newer than the cut-off", async () => {
    await rt.graph.invoke({ customer_id: "a" }, { configurable: { thread_id: "fresh" }, context: ctx({ churn_threshold: 1 }) });
    const n = await count("fresh");
    await rt.store.pruneCheckpoints(new Date(Date.now() - 3_600_000));
    expect(await count("fresh")).toBe(n);
  });
});

describe("outbox retention", () => {
  it("drops sent and failed messages past the cut-off, never a pending one or a newer one", async () => {
    const old = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const [sent, failed, pending, fresh] = await Promise.all(["sent", "failed", "pending", "fresh"].map(async (body) => (await queued(rt.store.outbox, "a", "ana", body)).id));
    await rt.store.outbox.sent(sent!, "SM1");
    await rt.store.outbox.failed(failed!, "twilio 400");
    await rt.store.outbox.sent(fresh!, "SM2");
    for (const id of [sent, failed, pending]) rawDb(rt).prepare("UPDATE outbound_messages SET created_at = ? WHERE id = ?").run(old, id);
    expect(await rt.store.pruneOutbound(new Date(Date.now() - 7 * 86_400_000))).toEqual({ messages: 2 });
    expect((await rt.store.outbox.recent("a")).map((m) => m.body).sort()).toEqual(["fresh", "pending"]);
  });
});
