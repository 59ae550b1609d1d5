import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bgbbDert, bgbbExpectedPurchases, bgbbExpectedPurchasesNew, bgbbLogLikelihood, bgbbLogLikelihoodWithGrad, bgbbPAlive, fitBgbb } from './bgbb.js';
import { bgbbDiscountedPurchases } from './clv.js';
import { simulateBgbb } from './simulate.js';
import { createRng } from '../numeric/random.js';
import { DegenerateDataError, InvalidArgumentsError } from '../numeric/errors.js';

const p = { alpha: 1.204, beta: 0.75, gamma: 0.657, delta: 2.783 };
const f = (a: number[]): Float64Array => Float64Array.from(a);

test('BG/BB likelihood over all (x, t_x) histories of n = 4 sums to probability 1', () => {
  const n = 4, xs: number[] = [], txs: number[] = [];
  // Every history of n opportunities maps to (x, t_x); count how many histories share each.
  const counts = new Map<string, number>();
  for (let h = 0; h < 1 << n; h++) {
    let x = 0, tx = 0;
    for (let t = 1; t <= n; t++) if (h & (1 << (t - 1))) { x++; tx = t; }
    const k = `${x},${tx}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let total = 0;
  for (const [k, c] of counts) {
    const [x, tx] = k.split(',').map(Number);
    xs.push(x); txs.push(tx);
    total += c * Math.exp(bgbbLogLikelihood(p, { x: f([x]), t_x: f([tx]), n: f([n]), count: f([1]) }));
  }
  assert.ok(Math.abs(total - 1) < 1e-12, `${total}`);
});

test('BG/BB analytic gradient agrees with central differences', () => {
  const t = { x: f([0, 2, 3, 6]), t_x: f([0, 4, 3, 6]), n: f([6, 6, 6, 6]), count: f([5, 2, 1, 3]) };
  const { grad } = bgbbLogLikelihoodWithGrad(p, t);
  (['alpha', 'beta', 'gamma', 'delta'] as const).forEach((k, i) => {
    const h = 1e-6;
    const fd = (bgbbLogLikelihood({ ...p, [k]: p[k] + h }, t) - bgbbLogLikelihood({ ...p, [k]: p[k] - h }, t)) / (2 * h);
    assert.ok(Math.abs(grad[i] - fd) < 1e-6 * Math.max(1, Math.abs(fd)), `${k}: ${grad[i]} vs ${fd}`);
  });
});

test('BG/BB DERT (FHS 2010 eq. 14) equals the long discounted sum of expected transactions', () => {
  const dert = bgbbDert(p, 0.1, 4, 5, 6);
  const sum = bgbbDiscountedPurchases(p, 4, 5, 6, { discountRate: 0.1, horizon: 600 });
  assert.ok(Math.abs(dert - sum) < 1e-9 * dert, `${dert} vs ${sum}`);
  assert.equal(bgbbDiscountedPurchases(p, 4, 5, 6, { discountRate: 0.1, horizon: Infinity }), dert);
  assert.ok(bgbbPAlive(p, 6, 6, 6) > bgbbPAlive(p, 6, 3, 6));
  assert.equal(bgbbExpectedPurchases(p, 0, 2, 3, 6), 0);
  assert.ok(bgbbExpectedPurchasesNew(p, 6) > 0);
  assert.ok(Number.isFinite(bgbbExpectedPurchases(p, 10, 5000, 5000, 5000)));
});

test('BG/BB fit: bad tuples and no repeaters give typed errors', () => {
  assert.throws(() => fitBgbb({ x: f([3]), t_x: f([2]), n: f([6]), count: f([1]) }), InvalidArgumentsError);
  assert.throws(() => fitBgbb({ x: f([0]), t_x: f([0]), n: f([6]), count: f([9]) }), DegenerateDataError);
});

test('BG/BB recovers simulated parameters within two standard errors (20,000 customers)', () => {
  const truth = { alpha: 1.2, beta: 0.75, gamma: 0.66, delta: 2.8 };
  const fit = fitBgbb(simulateBgbb(createRng(14), truth, 20_000, 6));
  for (const k of ['alpha', 'beta', 'gamma', 'delta'] as const) {
    const z = (fit.params[k] - truth[k]) / fit.stdErrors[k];
    assert.ok(Math.abs(z) < 2, `${k}: ${fit.params[k]} ± ${fit.stdErrors[k]} vs ${truth[k]}`);
  }
});
