import { experimentOnGraph } from "../src/app/experiment.js";
import { forgeCustomers } from "../src/sim/persona-forge.js";
import { loadEnvironment } from "../src/store/assets.js";
import { corpus, testRuntime } from "./helpers/runtime.js";
for (const id of ["a", "b", "c", "d", "e", "f"]) {
  const rt = testRuntime({ seed: 7, customers: [] });
  const s = await experimentOnGraph(rt, { experimentId: id, customers: forgeCustomers({ n: 2000, seed: 7 }, corpus), iterations: 1, policy: "thompson", topN: 2000, concurrency: 8, environment: loadEnvironment(), params: {}, durability: "exit" });
  console.log(id, (s.policy.cumulative_regret / s.baseline.cumulative_regret).toFixed(3), s.policy.cumulative_regret.toFixed(0), s.baseline.cumulative_regret.toFixed(0), s.lift_pct.toFixed(1), (s.policy.best_pick_share - s.baseline.best_pick_share).toFixed(3));
  rt.close();
}
