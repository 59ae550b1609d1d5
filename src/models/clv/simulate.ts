/**
 * Simulators with known parameters for each model (the ground truth the tests recover). Each draws
 * the latent traits from the mixing distributions and then the purchase history, exactly as the
 * model's story in its paper: BG/NBD (FHL 2005 §3), MBG/NBD (Batislam et al. 2007: may also drop out
 * at time 0), Pareto/NBD (SMC 1987), BG/BB (FHS 2010 §2: at each opportunity an alive customer first
 * survives with 1−θ, then transacts with p), Gamma-Gamma (FHL 2005 "RFM and CLV": transaction
 * values Gamma(p, ν), ν ~ Gamma(q, γ)). Randomness comes from an injected Rng (numeric/random.ts).
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { beta as betaDraw, exponential, gamma as gammaDraw, type Rng } from '../numeric/random.js';
import type { BgbbParams, BgnbdParams, DiscreteTuples, GammaGammaParams, PnbdParams, RfmTuples } from './types.js';

/** Per-customer (x, t_x, T) with count 1 each; T_i = ages[i % ages.length]. */
function rfm(n: number): RfmTuples {
  return { x: new Float64Array(n), t_x: new Float64Array(n), T: new Float64Array(n), count: new Float64Array(n).fill(1) };
}

function checkN(what: string, n: number, ages: readonly number[]): void {
  if (!(n >= 1) || !Number.isInteger(n)) throw new InvalidArgumentsError(`${what}: n must be a positive integer, got ${n}`);
  if (ages.length === 0 || !ages.every((a) => a > 0)) throw new InvalidArgumentsError(`${what}: ages (T) must be > 0`);
}

function simulateGeometricDropout(rng: Rng, p: BgnbdParams, n: number, ages: readonly number[], dropAtZero: boolean): RfmTuples {
  const out = rfm(n);
  for (let i = 0; i < n; i++) {
    const T = ages[i % ages.length];
    const lambda = gammaDraw(rng, p.r, p.alpha);
    const q = betaDraw(rng, p.a, p.b);
    let t = 0, x = 0, tx = 0;
    let alive = !(dropAtZero && rng.next() < q);
    while (alive) {
      t += exponential(rng, lambda);
      if (t > T) break;
      x++;
      tx = t;
      if (rng.next() < q) alive = false;
    }
    out.x[i] = x;
    out.t_x[i] = tx;
    out.T[i] = T;
  }
  return out;
}

/** BG/NBD customers observed for T = ages[i % ages.length]. */
export function simulateBgnbd(rng: Rng, p: BgnbdParams, n: number, ages: readonly number[]): RfmTuples {
  checkN('simulateBgnbd', n, ages);
  return simulateGeometricDropout(rng, p, n, ages, false);
}

/** MBG/NBD customers: as BG/NBD, but each may drop out right after the trial purchase. */
export function simulateMbgnbd(rng: Rng, p: BgnbdParams, n: number, ages: readonly number[]): RfmTuples {
  checkN('simulateMbgnbd', n, ages);
  return simulateGeometricDropout(rng, p, n, ages, true);
}

/** Pareto/NBD customers: Poisson purchases until an exponential lifetime ends. */
export function simulatePnbd(rng: Rng, p: PnbdParams, n: number, ages: readonly number[]): RfmTuples {
  checkN('simulatePnbd', n, ages);
  const out = rfm(n);
  for (let i = 0; i < n; i++) {
    const T = ages[i % ages.length];
    const lambda = gammaDraw(rng, p.r, p.alpha);
    const mu = gammaDraw(rng, p.s, p.beta);
    const end = Math.min(T, exponential(rng, mu));
    let t = 0, x = 0, tx = 0;
    for (;;) {
      t += exponential(rng, lambda);
      if (t > end) break;
      x++;
      tx = t;
    }
    out.x[i] = x;
    out.t_x[i] = tx;
    out.T[i] = T;
  }
  return out;
}

/** BG/BB customers over n opportunities, compressed to (x, t_x, n) tuples with counts. */
export function simulateBgbb(rng: Rng, p: BgbbParams, customers: number, n: number): DiscreteTuples {
  if (!(n >= 1) || !Number.isInteger(n)) throw new InvalidArgumentsError(`simulateBgbb: n must be a positive integer, got ${n}`);
  checkN('simulateBgbb', customers, [1]);
  // (x, t_x) with 0 <= x <= t_x <= n: index x * (n+1) + t_x.
  const counts = new Float64Array((n + 1) * (n + 1));
  for (let i = 0; i < customers; i++) {
    const prob = betaDraw(rng, p.alpha, p.beta);
    const theta = betaDraw(rng, p.gamma, p.delta);
    let x = 0, tx = 0;
    for (let t = 1; t <= n; t++) {
      if (rng.next() < theta) break;
      if (rng.next() < prob) {
        x++;
        tx = t;
      }
    }
    counts[x * (n + 1) + tx]++;
  }
  const xs: number[] = [], txs: number[] = [], cs: number[] = [];
  for (let k = 0; k < counts.length; k++) {
    if (counts[k] === 0) continue;
    xs.push(Math.floor(k / (n + 1)));
    txs.push(k % (n + 1));
    cs.push(counts[k]);
  }
  return { x: Float64Array.from(xs), t_x: Float64Array.from(txs), n: new Float64Array(xs.length).fill(n), count: Float64Array.from(cs) };
}

/** Mean transaction values of customers with the given x (>= 1), count 1 each. */
export function simulateGammaGamma(rng: Rng, p: GammaGammaParams, x: ArrayLike<number>): { x: Float64Array; monetary: Float64Array; count: Float64Array } {
  const n = x.length;
  const out = { x: new Float64Array(n), monetary: new Float64Array(n), count: new Float64Array(n).fill(1) };
  for (let i = 0; i < n; i++) {
    if (!(x[i] >= 1)) throw new InvalidArgumentsError(`simulateGammaGamma: x[${i}] = ${x[i]} must be >= 1`);
    const nu = gammaDraw(rng, p.q, p.gamma);
    let s = 0;
    for (let j = 0; j < x[i]; j++) s += gammaDraw(rng, p.p, nu);
    out.x[i] = x[i];
    out.monetary[i] = s / x[i];
  }
  return out;
}
