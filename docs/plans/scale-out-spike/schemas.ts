import { z } from "zod";
import { CareInput } from "./src/agents/state.js";
import { CareContext } from "./src/agents/context.js";
for (const [name, s] of [["input", CareInput], ["context", CareContext]] as const) {
  try { const j = z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "draft-7" }); console.log(name, JSON.stringify(j).slice(0, 300)); }
  catch (e) { console.log(name, "FAILED", (e as Error).message); }
}
