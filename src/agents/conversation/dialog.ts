import type { Dialog, Slots, Task, TaskKind } from "../../domain/conversation.js";
import type { Intent } from "../../domain/intent.js";

/** The task an intent opens; greetings and out-of-scope messages open none. */
export const TASK_OF: Partial<Record<Intent, TaskKind>> = {
  car_search: "car_search",
  financing: "financing",
  sales: "sales",
  support: "support",
  company_info: "company_info",
};

/** A task answered in the turn that opened it: it never stays active, and what it interrupted resumes. */
const ONE_TURN: ReadonlySet<TaskKind> = new Set(["company_info"]);
/** Older tasks beyond this are forgotten: a customer does not come back to a tenth digression. */
const MAX_STACK = 5;

/** The task the customer is on: the top of the stack when it is active. */
export function activeTask(d: Pick<Dialog, "stack">): Task | undefined {
  const top = d.stack.at(-1);
  return top?.status === "active" ? top : undefined;
}

/**
 * Opens the turn's tasks in order: one already on top stays; one further down comes back to the top; a new
 * one is pushed. Whatever was active beneath is suspended (a digression), never dropped.
 */
export function openTasks(d: Dialog, kinds: readonly TaskKind[], turn: number): Dialog {
  let stack = d.stack;
  for (const kind of kinds) {
    if (stack.at(-1)?.kind === kind) {
      stack = [...stack.slice(0, -1), { ...stack.at(-1)!, status: "active" }];
      continue;
    }
    const earlier = stack.find((t) => t.kind === kind);
    const rest = stack.filter((t) => t.kind !== kind).map((t): Task => (t.status === "active" ? { ...t, status: "suspended" } : t));
    stack = [...rest, earlier ? { ...earlier, status: "active" } : { kind, status: "active", opened_turn: turn }];
  }
  return { ...d, stack: stack.slice(-MAX_STACK) };
}

/** The task is done: it leaves the stack. */
export function finishTask(d: Dialog, kind: TaskKind): Dialog {
  return { ...d, stack: d.stack.filter((t) => t.kind !== kind) };
}

/** One-turn tasks (company questions) are done once answered. */
export function finishOneTurnTasks(d: Dialog): Dialog {
  return { ...d, stack: d.stack.filter((t) => !ONE_TURN.has(t.kind)) };
}

/**
 * With no active task left, the latest suspended one comes back: the caller asks whether to go on with it
 * (unless the turn itself just dealt with it).
 */
export function resumeTask(d: Dialog): { dialog: Dialog; resumed?: Task } {
  if (d.stack.length === 0 || activeTask(d)) return { dialog: d };
  const resumed: Task = { ...d.stack.at(-1)!, status: "active" };
  return { dialog: { ...d, stack: [...d.stack.slice(0, -1), resumed] }, resumed };
}

/**
 * New values override old ones ("mejor a 60 meses"); an undefined one leaves the slot as it was. The down
 * payment is an amount or a share, never both: the newer one wins.
 */
export function fillSlots(slots: Slots, update: Partial<Slots>): Slots {
  const given = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)) as Partial<Slots>;
  const out: Slots = { ...slots, ...given };
  if (given.down_payment_cents !== undefined && given.down_payment_pct === undefined) delete out.down_payment_pct;
  if (given.down_payment_pct !== undefined && given.down_payment_cents === undefined) delete out.down_payment_cents;
  return out;
}

/** Empties slots (a refused term, a refused down payment). */
export function clearSlots(slots: Slots, keys: ReadonlyArray<keyof Slots>): Slots {
  const out = { ...slots };
  for (const k of keys) delete out[k];
  return out;
}
