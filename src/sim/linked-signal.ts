/**
 * A signal for one job that aborts with `parent`, and lets go of it when the job is done. LangGraph adds
 * an abort listener to the signal of every run and never removes it (combineAbortSignals' dispose is not
 * called in 1.7), so handing a long-lived signal to thousands of runs piles listeners (and their
 * controllers) onto it; handed this one instead, they go away with the job.
 */
export function linkedSignal(parent: AbortSignal | undefined): { signal: AbortSignal | undefined; release: () => void } {
  if (!parent) return { signal: undefined, release: () => undefined };
  const child = new AbortController();
  if (parent.aborted) child.abort(parent.reason);
  const onAbort = () => child.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return { signal: child.signal, release: () => parent.removeEventListener("abort", onAbort) };
}
