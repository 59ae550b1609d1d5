/**
 * A seeded pseudo-random source and the samplers the simulator and the bootstraps need.
 * Randomness is always injected (STYLE.md): pass an `Rng` in, never call Math.random.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32; doubles take 53 bits
 * from two outputs. Gamma: Marsaglia & Tsang (2000). Poisson: Knuth's product method for small
 * means, Hörmann's PTRS transformed rejection (1993) for large ones.
 */

export interface Rng {
  /** Uniform on [0, 1). */
  next(): number;
}

export class InvalidArgumentsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentsError';
  }
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Xoshiro128 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new InvalidArgumentsError(`rng: seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
  }

  /** One 32-bit unsigned output. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function createRng(seed: number): Xoshiro128 {
  return new Xoshiro128(seed);
}

/** Uniform on (0, 1): never exactly 0, so logs are safe. */
export function uniformOpen(rng: Rng): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return u;
}

export function exponential(rng: Rng, rate: number): number {
  if (!(rate > 0)) throw new InvalidArgumentsError(`exponential: rate must be > 0, got ${rate}`);
  return -Math.log(uniformOpen(rng)) / rate;
}

/** Standard normal by the polar method. */
export function normal(rng: Rng, mean = 0, sd = 1): number {
  let u: number, v: number, s: number;
  do {
    u = 2 * rng.next() - 1;
    v = 2 * rng.next() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s === 0);
  return mean + sd * u * Math.sqrt((-2 * Math.log(s)) / s);
}

/** Gamma(shape, rate): mean shape/rate. */
export function gamma(rng: Rng, shape: number, rate = 1): number {
  if (!(shape > 0) || !(rate > 0)) throw new InvalidArgumentsError(`gamma: shape and rate must be > 0, got ${shape}, ${rate}`);
  if (shape < 1) {
    // Boost: G(a) = G(a+1) · U^(1/a)
    return gamma(rng, shape + 1, rate) * Math.pow(uniformOpen(rng), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = uniformOpen(rng);
    if (u < 1 - 0.0331 * x * x * x * x) return (d * v) / rate;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  return x / (x + y);
}

/** Poisson(mean). */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new InvalidArgumentsError(`poisson: mean must be finite and >= 0, got ${mean}`);
  if (mean === 0) return 0;
  if (mean < 30) {
    const L = Math.exp(-mean);
    let k = 0;
    let p = rng.next();
    while (p > L) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  // PTRS (Hörmann 1993)
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = rng.next() - 0.5;
    const V = uniformOpen(rng);
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + mean + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - lgammaInt(k + 1)) return k;
  }
}

/** log(n-1)! for integer n >= 1 (used by PTRS), via Stirling with correction terms. */
function lgammaInt(n: number): number {
  if (n < 10) {
    let s = 0;
    for (let i = 2; i < n; i++) s += Math.log(i);
    return s;
  }
  const x = n;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
}

/** Number of failures before the first success, P(success) = p. */
export function geometric(rng: Rng, p: number): number {
  if (!(p > 0 && p <= 1)) throw new InvalidArgumentsError(`geometric: p must be in (0,1], got ${p}`);
  if (p === 1) return 0;
  return Math.floor(Math.log(uniformOpen(rng)) / Math.log1p(-p));
}

export function bernoulli(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** Integer uniform on [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T>(rng: Rng, a: T[] | Float64Array | Int32Array | Uint32Array): typeof a {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
