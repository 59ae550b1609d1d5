import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitPnbd, pnbdDert, pnbdExpectedPurchases, pnbdExpectedPurchasesNew, pnbdLogLikelihood, pnbdLogLikelihoodWithGrad, pnbdPAlive,
} from './pnbd.js';
import { discountedPurchases, rfmModel } from './clv.js';
import { simulatePnbd } from './simulate.js';
import { createRng } from '../numeric/random.js';
import { DegenerateDataError } from '../numeric/errors.js';
import type { RfmTuples } from './types.js';

const f = (a: number[]): Float64Array => Float64Array.from(a);
const tuples = (x: number[], tx: number[], T: number[], c?: number[]): RfmTuples => ({ x: f(x), t_x: f(tx), T: f(T), count: f(c ?? x.map(() => 1)) });
const data = tuples([0, 1, 2, 5, 12, 3], [0, 3.5, 20, 30, 38, 38.5], [39, 39, 35, 39, 39, 38.5], [10, 4, 3, 2, 1, 1]);

test('Pareto/NBD analytic gradient agrees with central differences on both sides of alpha = beta', () => {
  for (const p of [{ r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 }, { r: 0.8, alpha: 14, s: 1.4, beta: 6 }]) {
    const { value, grad } = pnbdLogLikelihoodWithGrad(p, data);
    assert.ok(Math.abs(value - pnbdLogLikelihood(p, data)) < 1e-9);
    (['r', 'alpha', 's', 'beta'] as const).forEach((k, i) => {
      const h = 1e-5 * p[k];
      const fd = (pnbdLogLikelihood({ ...p, [k]: p[k] + h }, data) - pnbdLogLikelihood({ ...p, [k]: p[k] - h }, data)) / (2 * h);
      assert.ok(Math.abs(grad[i] - fd) < 1e-6 * Math.max(1, Math.abs(fd)), `${k}: ${grad[i]} vs ${fd}`);
    });
  }
});

test('Pareto/NBD likelihood is continuous across alpha = beta (the two 2F1 branches agree)', () => {
  const below = pnbdLogLikelihood({ r: 0.5, alpha: 10 - 1e-9, s: 0.6, beta: 10 }, data);
  const above = pnbdLogLikelihood({ r: 0.5, alpha: 10 + 1e-9, s: 0.6, beta: 10 }, data);
  assert.ok(Math.abs(below - above) < 1e-6, `${below} vs ${above}`);
});

test('Pareto/NBD heavy buyers (x = 10,000) stay finite', () => {
  for (const p of [{ r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 }, { r: 0.55, alpha: 10.5, s: 0.6, beta: 3 }]) {
    const t = tuples([10_000, 10_000], [38.99, 20], [39, 39]);
    assert.ok(Number.isFinite(pnbdLogLikelihood(p, t)));
    const { grad } = pnbdLogLikelihoodWithGrad(p, t);
    assert.ok(grad.every(Number.isFinite), `${grad}`);
    const alive = pnbdPAlive(p, 10_000, 38.99, 39);
    assert.ok(pnbdPAlive(p, 10_000, 20, 39) >= 0);
    assert.ok(alive > 0.5 && alive <= 1, `${alive}`);
    assert.ok(Number.isFinite(pnbdExpectedPurchases(p, 52, 10_000, 38.99, 39)));
  }
});

test('Pareto/NBD DERT equals the limit of a fine discounted sum, and E[X(t)] is 0 at 0', () => {
  const p = { r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 };
  const d = 0.01; // per week
  const dert = pnbdDert(p, Math.log1p(d), 2, 30, 39);
  const model = rfmModel({ model: 'pnbd', params: p });
  const viaClv = discountedPurchases(model, 2, 30, 39, { discountRate: d, periodLength: 1, horizon: Infinity });
  assert.ok(Math.abs(dert - viaClv) < 1e-12);
  // Daily periods over 100 years: end-of-period discounting differs from continuous by < 0.1 %.
  const sum = discountedPurchases(model, 2, 30, 39, { discountRate: Math.expm1(Math.log1p(d) / 7), periodLength: 1 / 7, horizon: 36_500 });
  assert.ok(Math.abs(sum - dert) / dert < 1e-3, `${sum} vs ${dert}`);
  assert.equal(pnbdExpectedPurchasesNew(p, 0), 0);
});

test('Pareto/NBD fit: everyone x = 0 is a DegenerateDataError', () => {
  assert.throws(() => fitPnbd(tuples([0, 0], [0, 0], [5, 9], [10, 10])), DegenerateDataError);
});

test('Pareto/NBD recovers simulated parameters within two standard errors (3,000 customers)', () => {
  const truth = { r: 0.55, alpha: 10.5, s: 0.6, beta: 11.7 };
  const fit = fitPnbd(simulatePnbd(createRng(12), truth, 3000, [26, 32, 39, 45, 52]));
  for (const k of ['r', 'alpha', 's', 'beta'] as const) {
    const z = (fit.params[k] - truth[k]) / fit.stdErrors[k];
    assert.ok(Math.abs(z) < 2, `${k}: ${fit.params[k]} ± ${fit.stdErrors[k]} vs ${truth[k]}`);
  }
});
