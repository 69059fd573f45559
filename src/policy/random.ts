/**
 * Seeded randomness. Every stochastic choice in the product draws from a stream derived from
 * (seed, what it is for, which interaction), so a run is reproducible whatever the scheduling order.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** 53-bit string hash (cyrb53): spreads nearby seeds and ids apart. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** sfc32: small, fast, passes PractRand; 128 bits of state. */
export function sfc32(a: number, b: number, c: number, d: number): Rng {
  return {
    next() {
      a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
      let t = (a + b) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      d = (d + 1) | 0;
      t = (t + d) | 0;
      c = (c + t) | 0;
      return (t >>> 0) / 4294967296;
    },
  };
}

/** A stream named by its parts, e.g. rngFor(7, "judge", interactionId). */
export function rngFor(...parts: Array<string | number>): Rng {
  const key = parts.join("\u0001");
  const h1 = hash53(key, 1);
  const h2 = hash53(key, 2);
  const rng = sfc32(h1 >>> 0, (h1 / 4294967296) >>> 0, h2 >>> 0, (h2 / 4294967296) >>> 0);
  for (let i = 0; i < 12; i++) rng.next(); // warm up: sfc32's first outputs correlate with the seed
  return rng;
}

export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}

/** Standard normal (Marsaglia polar method). */
export function normal(rng: Rng): number {
  for (;;) {
    const u = 2 * rng.next() - 1;
    const v = 2 * rng.next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** Gamma(shape, 1) by Marsaglia–Tsang; shape < 1 via the boost Gamma(k) = Gamma(k+1)·U^(1/k). */
export function gamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = 1 - rng.next();
    return gamma(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}

export function bernoulli(rng: Rng, p: number): number {
  return rng.next() < p ? 1 : 0;
}

/** Index drawn with probability proportional to weights. */
export function categorical(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}
