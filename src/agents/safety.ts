import type { Mode, Template } from "../domain/template.js";
import {
  findPhrase,
  findPii,
  hasSla,
  linkForm,
  matchForm,
  maxCompensation,
  normalize,
  sharedRun,
  wordCount,
  wordRuns,
  type SafetyRules,
} from "../domain/text-rules.js";
import type { CareDeps } from "./deps.js";
import type { CareUpdate, Draft, Escalation, SafetyVerdict } from "./state.js";

export interface SafetyInput {
  text: string;
  mode: Mode;
  template: Template | undefined;
  /** What the customer wrote: instructions injected there must not come back out. */
  incoming: string;
}

/** A give-away a template makes on purpose (a capped coupon) is not one; the cap rule checks its amount. */
function giveaway(form: string, rules: SafetyRules): string | undefined {
  const rest = rules.giveaway_exceptions.reduce((t, p) => t.replace(new RegExp(p, "gu"), " "), form);
  return findPhrase(rest, rules.giveaways);
}

/**
 * Every guardrail on an outgoing text; the verdict is the worst severity among the rules it hit.
 * `promptRuns` are the word runs of our own prompts (loadInternalPrompts), none of which may come out.
 */
export function checkSafety(input: SafetyInput, rules: SafetyRules, promptRuns: ReadonlySet<string>): SafetyVerdict {
  const form = matchForm(input.text);
  const incoming = matchForm(input.incoming);
  const hits: string[] = [];
  if (findPhrase(form, rules.blame)) hits.push("blame");
  if (findPhrase(form, rules.impossible_promises)) hits.push("impossible_promise");
  if (giveaway(form, rules)) hits.push("giveaway");
  if (maxCompensation(input.text, rules.compensation_words) > rules.compensation_cap_mxn) hits.push("compensation_over_cap");
  if (input.template?.guardrails.requires_sla && !hasSla(normalize(input.text), rules.sla_patterns)) hits.push("missing_sla");
  if (wordCount(input.text) > rules.max_words[input.mode]) hits.push("over_length");
  if (findPii(input.text).length > 0) hits.push("pii_echo");
  const run = Math.min(rules.echo_run_words, incoming.split(" ").filter(Boolean).length);
  const echoed = run >= rules.echo_min_words && sharedRun(input.text, wordRuns([input.incoming], run), run) !== undefined;
  if (echoed) hits.push("echo");
  if (findPhrase(form, rules.injection_markers) || (echoed && findPhrase(incoming, rules.injection_markers))) hits.push("injection_echo");
  if (findPhrase(form, rules.internal_references)) hits.push("internal_reference");
  if (sharedRun(input.text, promptRuns, rules.prompt_run_words)) hits.push("prompt_leak");
  const raw = input.text.normalize("NFKC");
  if (rules.data_leak_patterns.some((p) => new RegExp(p, "u").test(raw))) hits.push("data_leak");
  if (findPhrase(form, rules.blacklist)) hits.push("blacklist");
  if (findPhrase(form, rules.credential_requests)) hits.push("credential_request");
  const links = linkForm(input.text);
  if (rules.link_patterns.some((p) => new RegExp(p, "u").test(links))) hits.push("link");
  const severe = hits.some((rule) => rules.severity[rule] === "severe");
  return { verdict: severe ? "severe" : hits.length ? "fixable" : "ok", rules: hits };
}

/**
 * The writer's text as it may leave the node that wrote it: as is when safe, else the template's
 * fallback — for a severe case too, with the escalation, so that what a person is offered to accept
 * is safe and the unsafe text reaches no checkpoint, stream event, hand-off or API answer. The person
 * learns why from the rules hit; the text itself may carry a prompt, a key or another customer's data.
 */
export function guardDraft(deps: CareDeps, input: SafetyInput & { template: Template }): { draft: Draft; safety_verdict: SafetyVerdict; escalation?: Escalation } {
  const verdict = checkSafety(input, deps.safetyRules, deps.promptRuns);
  if (verdict.verdict === "ok") return { safety_verdict: verdict, draft: { text: input.text, source: "policy" } };
  const fallback: Draft = { text: input.template.fallback, source: "fallback" };
  if (verdict.verdict === "fixable") {
    deps.observer.fallback("safety");
    return { safety_verdict: verdict, draft: fallback };
  }
  return { safety_verdict: verdict, draft: fallback, escalation: { reason: "safety_violation", detail: verdict.rules.join(", ") } };
}

/**
 * Where the graph branches on the verdict (routeAfterSafety). The verdict itself is given where the
 * text is written (composeReply calls guardDraft), so an unsafe text never enters the graph's state.
 */
export function safety() {
  return (): CareUpdate => ({});
}
