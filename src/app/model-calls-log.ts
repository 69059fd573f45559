import type { CareObserver } from "../agents/observer.js";
import type { ModelCall } from "../domain/conversation-llm.js";
import type { Logger } from "./logger.js";

/**
 * The observer with every chat-model call also logged: one JSON line per call with its tokens, cost and the
 * run's tracking id, so a run's spend is read back from the logs by its id. With a ledger, the process also
 * keeps the spend per tracking id (the console's cost per conversation).
 */
export function loggedModelCalls(observer: CareObserver, log: Logger, ledger?: ModelCallLedger): CareObserver {
  return {
    ...observer,
    modelCall: (call) => {
      observer.modelCall?.(call);
      ledger?.record(call);
      log.info({ ...call }, MODEL_CALL_MSG);
    },
  };
}

const MODEL_CALL_MSG = "model call";

/**
 * Model spend in US dollars per tracking id (a queued run's id), from this process's calls and from log files
 * of others (`readLog`). A call at no known price (a model data/model-prices.json does not list) marks its run
 * as unpriced: its cost is unknown, not zero. Bounded: the oldest runs are forgotten first.
 */
export class ModelCallLedger {
  private readonly spend = new Map<string, number | null>();

  constructor(private readonly maxRuns = 50_000) {}

  record(call: Pick<ModelCall, "tracking_id" | "cost_usd">): void {
    const before = this.spend.get(call.tracking_id);
    const next = before === null || call.cost_usd === null ? null : (before ?? 0) + call.cost_usd;
    this.spend.delete(call.tracking_id);
    this.spend.set(call.tracking_id, next);
    if (this.spend.size > this.maxRuns) this.spend.delete(this.spend.keys().next().value!);
  }

  /** The "model call" lines of a JSON log (what loggedModelCalls writes); other lines are skipped. */
  readLog(text: string): number {
    let n = 0;
    for (const line of text.split("\n")) {
      if (!line.includes(MODEL_CALL_MSG)) continue;
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch {
        continue;
      }
      const r = o as { msg?: unknown; tracking_id?: unknown; cost_usd?: unknown };
      if (r.msg !== MODEL_CALL_MSG || typeof r.tracking_id !== "string") continue;
      this.record({ tracking_id: r.tracking_id, cost_usd: typeof r.cost_usd === "number" ? r.cost_usd : null });
      n++;
    }
    return n;
  }

  /** undefined: no call was recorded for it; null: some call had no known price. */
  cost(trackingId: string): number | null | undefined {
    return this.spend.get(trackingId);
  }

  get size(): number {
    return this.spend.size;
  }

  trackingIds(): string[] {
    return [...this.spend.keys()];
  }
}
