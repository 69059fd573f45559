import type { Mode, Template } from "../domain/template.js";
import {
  containsAny,
  findPii,
  hasSla,
  maxCompensation,
  normalize,
  sharesRun,
  wordCount,
  type SafetyRules,
} from "../domain/text-rules.js";
import type { CareDeps } from "./deps.js";
import { incomingMessage } from "./router.js";
import { modeOf, type CareStateType, type CareUpdate, type SafetyVerdict } from "./state.js";

export interface SafetyInput {
  text: string;
  mode: Mode;
  template: Template | undefined;
  /** What the customer wrote: instructions injected there must not come back out. */
  incoming: string;
}

/** Every guardrail on an outgoing text; the verdict is the worst severity among the rules it hit. */
export function checkSafety(input: SafetyInput, rules: SafetyRules): SafetyVerdict {
  const text = normalize(input.text);
  const hits: string[] = [];
  if (containsAny(text, rules.blame)) hits.push("blame");
  if (containsAny(text, rules.impossible_promises)) hits.push("impossible_promise");
  if (maxCompensation(input.text, rules.compensation_words) > rules.compensation_cap_mxn) hits.push("compensation_over_cap");
  if (input.template?.guardrails.requires_sla && !hasSla(text, rules.sla_patterns)) hits.push("missing_sla");
  if (wordCount(input.text) > rules.max_words[input.mode]) hits.push("over_length");
  if (findPii(input.text).length > 0) hits.push("pii_echo");
  const incoming = normalize(input.incoming);
  const injected = containsAny(incoming, rules.injection_markers);
  if (containsAny(text, rules.injection_markers) || (injected && sharesRun(input.incoming, input.text))) hits.push("injection_echo");
  if (containsAny(text, rules.blacklist)) hits.push("blacklist");
  const severe = hits.some((rule) => rules.severity[rule] === "severe");
  return { verdict: severe ? "severe" : hits.length ? "fixable" : "ok", rules: hits };
}

export function safety(deps: CareDeps) {
  return (state: CareStateType): CareUpdate => {
    const customer = deps.customers.get(state.customer_id)!;
    const { decision, draft, route } = state.contact;
    const template = decision && deps.templates.get(decision.template);
    const verdict = checkSafety({ text: draft!.text, mode: modeOf(route)!, template, incoming: incomingMessage(state, customer) }, deps.safetyRules);
    if (verdict.verdict === "fixable" && template) {
      deps.observer.fallback("safety");
      return { contact: { safety_verdict: verdict, draft: { text: template.fallback, source: "fallback" } } };
    }
    if (verdict.verdict === "severe") {
      return { contact: { safety_verdict: verdict, escalation: { reason: "safety_violation", detail: verdict.rules.join(", ") } } };
    }
    return { contact: { safety_verdict: verdict } };
  };
}
