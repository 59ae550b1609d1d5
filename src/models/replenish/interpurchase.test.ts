import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitShrinkage, truncatedLogNormalForecast } from './interpurchase.js';
import { createRng, normal, randomInt } from '../numeric/random.js';
import { normalCdf } from '../var/special.js';

/** Per-pair log statistics simulated from the model's own hierarchy. */
function simulate(seed: number, o: { items: number; pairsPerItem: number; minN: number; maxN: number; sigma: number; tau: number; omega: number; m: number }) {
  const rng = createRng(seed);
  const itemMu = Array.from({ length: o.items }, () => normal(rng, o.m, o.omega));
  const n: number[] = [];
  const mean: number[] = [];
  const variance: number[] = [];
  const group: number[] = [];
  const truth: number[] = [];
  const next: number[] = [];
  for (let g = 0; g < o.items; g++) {
    for (let p = 0; p < o.pairsPerItem; p++) {
      const mu = normal(rng, itemMu[g], o.tau);
      const k = o.minN + randomInt(rng, o.maxN - o.minN + 1);
      const ys = Array.from({ length: k }, () => normal(rng, mu, o.sigma));
      const avg = ys.reduce((a, b) => a + b, 0) / k;
      n.push(k);
      mean.push(avg);
      variance.push(k > 1 ? ys.reduce((a, y) => a + (y - avg) ** 2, 0) / (k - 1) : 0);
      group.push(g);
      truth.push(mu);
      next.push(normal(rng, mu, o.sigma));
    }
  }
  return { stats: { n: Int32Array.from(n), mean: Float64Array.from(mean), variance: Float64Array.from(variance), group: Int32Array.from(group), groups: o.items }, truth, next, itemMu };
}

test('shrinkage recovers the simulated variance components (σ = 0.3, τ = 0.25, ω = 0.5)', () => {
  const { stats } = simulate(11, { items: 40, pairsPerItem: 100, minN: 1, maxN: 8, sigma: 0.3, tau: 0.25, omega: 0.5, m: Math.log(30) });
  const fit = fitShrinkage(stats);
  assert.ok(Math.abs(Math.sqrt(fit.withinPairs) - 0.3) < 0.015, `σ ${Math.sqrt(fit.withinPairs)}`);
  assert.ok(Math.abs(Math.sqrt(fit.betweenPairs) - 0.25) < 0.025, `τ ${Math.sqrt(fit.betweenPairs)}`);
  assert.ok(Math.abs(Math.sqrt(fit.betweenItems) - 0.5) < 0.15, `ω ${Math.sqrt(fit.betweenItems)}`);
});

test('the shrunk pair means are closer to the truth than the raw means, above all for one-interval pairs', () => {
  const { stats, truth } = simulate(12, { items: 20, pairsPerItem: 150, minN: 1, maxN: 4, sigma: 0.35, tau: 0.2, omega: 0.5, m: Math.log(20) });
  const fit = fitShrinkage(stats);
  let rawErr = 0;
  let eb = 0;
  let raw1 = 0;
  let eb1 = 0;
  for (let p = 0; p < truth.length; p++) {
    rawErr += (stats.mean[p] - truth[p]) ** 2;
    eb += (fit.mean[p] - truth[p]) ** 2;
    if (stats.n[p] === 1) {
      raw1 += (stats.mean[p] - truth[p]) ** 2;
      eb1 += (fit.mean[p] - truth[p]) ** 2;
    }
  }
  assert.ok(eb < 0.8 * rawErr, `EB squared error ${eb} vs raw ${rawErr}`);
  assert.ok(eb1 < 0.6 * raw1, `one-interval pairs: EB ${eb1} vs raw ${raw1}`);
});

test('80% predictive intervals of the next log interval cover about 80% of simulated next intervals', () => {
  const { stats, next } = simulate(13, { items: 30, pairsPerItem: 100, minN: 1, maxN: 6, sigma: 0.3, tau: 0.25, omega: 0.4, m: Math.log(25) });
  const fit = fitShrinkage(stats);
  let inside = 0;
  for (let p = 0; p < next.length; p++) {
    const f = truncatedLogNormalForecast(fit.mean[p], fit.predictiveVariance[p], 0, 0.8);
    const x = Math.exp(next[p]);
    if (x >= f.lower && x <= f.upper) inside++;
  }
  const cover = inside / next.length;
  assert.ok(cover > 0.78 && cover < 0.82, `coverage ${cover}`);
});

test('truncated log-normal quantiles: no truncation gives exp(μ ± z√v); truncation moves them above `elapsed`', () => {
  const f = truncatedLogNormalForecast(Math.log(30), 0.09, 0, 0.8);
  assert.ok(Math.abs(f.median - 30) < 1e-9);
  assert.ok(Math.abs(f.upper - 30 * Math.exp(0.3 * 1.2815515655446004)) < 1e-6);
  const t = truncatedLogNormalForecast(Math.log(30), 0.09, 35, 0.8);
  // The truncated median m solves F(m) = F0 + (1 − F0)/2.
  const F = (x: number): number => normalCdf((Math.log(x) - Math.log(30)) / 0.3);
  const f0 = F(35);
  assert.ok(Math.abs(F(t.median) - (f0 + (1 - f0) / 2)) < 1e-9);
  assert.ok(t.lower >= 35 && t.median > t.lower && t.upper > t.median);
  const far = truncatedLogNormalForecast(Math.log(10), 0.01, 1000, 0.8);
  assert.ok(Number.isFinite(far.median) && far.median >= 1000);
});

test('bad input is a clear error and no observations a degenerate-data error', () => {
  const s = { n: Int32Array.from([0, 0]), mean: new Float64Array(2), variance: new Float64Array(2), group: Int32Array.from([0, 0]), groups: 1 };
  assert.throws(() => fitShrinkage(s), /no observations/);
  assert.throws(() => fitShrinkage({ ...s, group: Int32Array.from([0, 3]) }), /group 3/);
  assert.throws(() => truncatedLogNormalForecast(0, 0, 0), /variance/);
});

test('a single pair with a single interval still gets a finite forecast', () => {
  const fit = fitShrinkage({ n: Int32Array.from([1]), mean: Float64Array.from([Math.log(14)]), variance: new Float64Array(1), group: Int32Array.from([0]), groups: 1 });
  const f = truncatedLogNormalForecast(fit.mean[0], fit.predictiveVariance[0], 3);
  assert.ok(Math.abs(fit.mean[0] - Math.log(14)) < 1e-9);
  for (const x of [f.lower, f.median, f.upper]) assert.ok(Number.isFinite(x) && x >= 3);
});
