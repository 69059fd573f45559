import MiniSearch from "minisearch";
import { z } from "zod";
import { interpolate } from "../domain/fill.js";
import type { FinancingTerms } from "../domain/financing.js";
import type { Hub } from "../domain/hub.js";
import type { KbPassage, KbSearchSettings } from "../domain/knowledge.js";
import { listEs, normalize } from "./text.js";

export const KnowledgeHit = z.object({ id: z.string(), title: z.string(), text: z.string(), score: z.number() });
export type KnowledgeHit = z.infer<typeof KnowledgeHit>;

export const KnowledgeResult = z.object({
  /** false: nothing in the base scores above the threshold, and the agent says it does not know. */
  found: z.boolean(),
  passages: z.array(KnowledgeHit),
});
export type KnowledgeResult = z.infer<typeof KnowledgeResult>;

export interface KnowledgeBase {
  search(question: string, limit?: number): KnowledgeResult;
}

/**
 * BM25 (MiniSearch) over the passages' title, text and sample questions. Terms are accent-folded, stop
 * words dropped, colloquial words mapped to the base's ("carro" → "auto"), a plural "s" dropped and the
 * rest cut to `stem_length` letters, the same way for passages and questions. The financing passage's
 * figures come from the financing settings, and the hubs passage's list from data/hubs.json (where test drives
 * are booked), so the base cannot disagree with the simulator or the desk.
 */
export function createKnowledgeBase(passages: readonly KbPassage[], settings: KbSearchSettings, financing: FinancingTerms, hubs: readonly Hub[]): KnowledgeBase {
  const stop = new Set(settings.stopwords.map(normalize));
  const term = (raw: string): string | null => {
    let w = normalize(raw).replace(/[^a-z0-9]/g, "");
    w = settings.synonyms[w] ?? w;
    if (w === "" || stop.has(w)) return null;
    if (w.length > 4 && w.endsWith("s")) w = w.slice(0, -1);
    return w.slice(0, settings.stem_length);
  };
  const vars = {
    annual_rate: `${Math.round(financing.annual_rate * 1000) / 10}%`,
    terms: listEs(financing.terms_months.map(String), "o"),
    hubs: listEs(hubs.map((h) => (h.abbreviation ? `${h.name} (${h.abbreviation})` : h.name)), "y"),
    min_down_payment: `${Math.round(financing.min_down_payment_share * 1000) / 10}%`,
  };
  const docs = passages.map((p) => ({ ...p, text: interpolate(p.text, vars), questions: p.questions.join(" \n ") }));
  const index = new MiniSearch({ fields: ["title", "text", "questions"], storeFields: ["title", "text"], processTerm: term });
  index.addAll(docs);
  return {
    search(question, limit = 3) {
      const hits = index
        .search(question, { boost: { title: 2, text: 2 }, combineWith: "OR" })
        .filter((h) => h.score >= settings.threshold)
        .slice(0, limit)
        .map((h) => ({ id: String(h.id), title: String(h["title"]), text: String(h["text"]), score: Math.round(h.score * 1000) / 1000 }));
      return { found: hits.length > 0, passages: hits };
    },
  };
}
