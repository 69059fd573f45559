import { StateGraph, START, END, MemorySaver, MessagesZodMeta } from "@langchain/langgraph";
import { registry } from "@langchain/langgraph/zod";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import { z } from "zod";
import { ConversationState, ConversationContext } from "../src/agents/conversation/state.js";
import { redactPii } from "../src/domain/pii.js";
const mask = (m: any) => typeof m?.content === "string" && (m.role === "user" || m.type === "human" || m._getType?.() === "human") ? { ...(m.lc_kwargs ?? m), role: "user", content: redactPii(m.content) } : m;
const Input = z.object({ messages: z.custom<BaseMessage[]>().transform((ms: any) => (Array.isArray(ms) ? ms : [ms]).map(mask)) });
const saver = new MemorySaver();
const g = new StateGraph(ConversationState, { input: Input, context: ConversationContext } as never)
  .addNode("a", (s: any) => { console.log("node sees", s.messages.map((m: any) => m.content)); return { messages: [new AIMessage("ok")] }; })
  .addEdge(START, "a").addEdge("a", END).compile({ checkpointer: saver });
const cfg = { configurable: { thread_id: "x" } };
await g.invoke({ messages: [{ role: "user", content: "mi tel 55 1234 5678 y tarjeta 4111 1111 1111 1111" }] } as never, cfg as never);
for await (const c of saver.list(cfg as never)) console.log(JSON.stringify(c.checkpoint.channel_values).slice(0, 300));
