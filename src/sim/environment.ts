import type { ContextKey } from "../domain/context.js";
import type { EnvironmentSpec } from "../domain/environment.js";
import { categorical, type Rng } from "../policy/random.js";

/**
 * The simulated world built from an instance file. It answers "how likely is a good reaction" and
 * "what would the best template have scored": questions only the simulation and the report may ask.
 */
export class Environment {
  readonly name: string;
  readonly armIds: readonly string[];
  readonly segmentIds: readonly string[];
  readonly issueIds: readonly string[];
  private readonly contexts: ContextKey[];
  private readonly contextWeights: number[];

  constructor(readonly spec: EnvironmentSpec) {
    this.name = spec.name;
    this.armIds = spec.arms.ids;
    this.segmentIds = spec.segments.ids;
    this.issueIds = spec.issues.ids;
    this.contexts = [];
    this.contextWeights = [];
    spec.segments.ids.forEach((s, si) =>
      spec.issues.ids.forEach((i, ii) => {
        this.contexts.push(`${s}/${i}` as ContextKey);
        this.contextWeights.push(spec.segments.p[si]! * spec.issues.p[ii]!);
      }),
    );
  }

  /** Arm means of a context; past `change_at` rounds the `mean_after` table holds. */
  means(key: string, round = 0): readonly number[] {
    const table = this.spec.change_at !== undefined && round >= this.spec.change_at ? this.spec.mean_after! : this.spec.mean;
    const row = table[key];
    if (!row) throw new Error(`environment ${this.name} has no context ${key}`);
    return row;
  }

  armIndex(armId: string): number {
    return this.armIds.indexOf(armId);
  }

  bestMean(key: string, round = 0): number {
    return Math.max(...this.means(key, round));
  }

  /** Expected value per round of always picking the best arm, and of picking uniformly. */
  oracleValue(round = 0): number {
    return this.contexts.reduce((acc, k, i) => acc + this.contextWeights[i]! * this.bestMean(k, round), 0);
  }

  uniformValue(round = 0): number {
    return this.contexts.reduce((acc, k, i) => {
      const m = this.means(k, round);
      return acc + (this.contextWeights[i]! * m.reduce((a, b) => a + b, 0)) / m.length;
    }, 0);
  }

  sampleContext(rng: Rng): ContextKey {
    return this.contexts[categorical(rng, this.contextWeights)]!;
  }

  contextKeys(): readonly ContextKey[] {
    return this.contexts;
  }

  contextProbability(key: string): number {
    return this.contextWeights[this.contexts.indexOf(key as ContextKey)] ?? 0;
  }
}
