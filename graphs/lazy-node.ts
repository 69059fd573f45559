import { isGraphInterrupt } from "@langchain/langgraph";
import type { CareObserver } from "../src/agents/observer.js";

/**
 * A node made on first use, so importing a graph file (Studio, tests) opens and trains nothing; each call is
 * timed for the observer (an interrupt is a pause, not a failure).
 */
export function lazyNode<D extends { observer: CareObserver }, A extends unknown[], R>(name: string, make: (deps: D) => (...args: A) => R, deps: () => D) {
  let fn: ((...args: A) => R) | undefined;
  return async (...args: A): Promise<Awaited<R>> => {
    const d = deps();
    fn ??= make(d);
    const t0 = performance.now();
    let failed = false;
    try {
      return await fn(...args);
    } catch (e) {
      failed = !isGraphInterrupt(e);
      throw e;
    } finally {
      d.observer.node(name, (performance.now() - t0) / 1000, failed);
    }
  };
}
