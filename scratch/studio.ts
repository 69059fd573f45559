import { graph } from "../graphs/conversation.js";
const out: any = await graph.invoke({ messages: [{ role: "user", content: "busco un jetta" }] } as never, { context: {} } as never);
console.log(out.messages.at(-1).content);
const g = await graph.getGraphAsync();
console.log(Object.keys(g.nodes), g.edges.length);
