import { z } from "zod";

/** VF vocal-happy, VE vocal-angry, NVF nonvocal-happy, NVE nonvocal-angry. */
export const SEGMENTS = ["VF", "VE", "NVF", "NVE"] as const;
export const Segment = z.enum(SEGMENTS);
export type Segment = z.infer<typeof Segment>;

export const ISSUE_BUCKETS = ["finanzas", "mecanica", "logistica", "atencion"] as const;
export const IssueBucket = z.enum(ISSUE_BUCKETS);
export type IssueBucket = z.infer<typeof IssueBucket>;

export function isVocalSegment(segment: Segment): boolean {
  return segment === "VF" || segment === "VE";
}

export function isAngrySegment(segment: Segment): boolean {
  return segment === "VE" || segment === "NVE";
}

export function segmentOf(isVocal: boolean, isAngry: boolean): Segment {
  if (isVocal) return isAngry ? "VE" : "VF";
  return isAngry ? "NVE" : "NVF";
}
