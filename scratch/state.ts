import { StateGraph, START, END, MemorySaver } from "@langchain/langgraph";
import { AIMessage } from "@langchain/core/messages";
import { ConversationState, ConversationContext, ConversationInput } from "../src/agents/conversation/state.js";
const g = new StateGraph(ConversationState, { input: ConversationInput, context: ConversationContext } as never)
  .addNode("a", (s: any) => { console.log("dialog", s.dialog, "turn", s.turn?.intents); return { messages: [new AIMessage("hi " + s.messages.length)], dialog: { ...(s.dialog ?? {stack:[],slots:{},results:[],waiting_for_person:false,failures:0}), failures: (s.dialog?.failures ?? 0) + 1 } }; })
  .addEdge(START, "a").addEdge("a", END).compile({ checkpointer: new MemorySaver() });
const cfg = { configurable: { thread_id: "x" }, context: { channel: "web" } };
let out = await g.invoke({ messages: [{ role: "user", content: "hola" }] } as never, cfg as never);
out = await g.invoke({ messages: [{ role: "user", content: "hola2" }] } as never, cfg as never);
console.log(out.messages.map((m: any) => m._getType() + ":" + m.content), out.dialog.failures);
