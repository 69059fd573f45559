import type { ModelCall } from "../domain/conversation-llm.js";

/** What the care graph reports about itself; the server turns it into Prometheus metrics. */
export interface CareObserver {
  node(name: string, seconds: number, failed: boolean): void;
  llm(agent: "writer" | "judge", outcome: "ok" | "failed"): void;
  fallback(kind: "writer" | "safety"): void;
  policyUpdate(namespace: string): void;
  contact(route: string, status: string): void;
  /** A chat model's call in the conversation graph: its tokens and cost, with the run's tracking id. */
  modelCall?(call: ModelCall): void;
}

export const silentObserver: CareObserver = {
  node: () => undefined,
  llm: () => undefined,
  fallback: () => undefined,
  policyUpdate: () => undefined,
  contact: () => undefined,
};
