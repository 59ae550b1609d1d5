import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bgnbdExpectedPurchases, bgnbdExpectedPurchasesNew, bgnbdLogLikelihood, bgnbdLogLikelihoodEach, bgnbdLogLikelihoodPrepared, bgnbdPAlive,
  fitBgnbd, prepareRfm,
} from './bgnbd.js';
import { simulateBgnbd } from './simulate.js';
import { createRng } from '../numeric/random.js';
import { standardErrors } from '../numeric/optimize.js';
import { DegenerateDataError, InvalidArgumentsError } from '../numeric/errors.js';
import type { RfmTuples } from './types.js';

const f = (a: number[]): Float64Array => Float64Array.from(a);
const tuples = (x: number[], tx: number[], T: number[], c?: number[]): RfmTuples => ({ x: f(x), t_x: f(tx), T: f(T), count: f(c ?? x.map(() => 1)) });

test('BG/NBD likelihood matches the published check (Fader, Hardie & Lee, "Implementing the BG/NBD model")', () => {
  const ll = bgnbdLogLikelihoodEach({ r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, tuples([0, 200], [0, 38], [40, 40]));
  assert.ok(Math.abs(ll[0] - -0.59947382) < 5e-9, `${ll[0]}`);
  assert.ok(Math.abs(ll[1] - 100.7957) < 5e-5, `${ll[1]}`);
});

test('BG/NBD analytic gradient agrees with central differences, including MBG/NBD', () => {
  const t = tuples([0, 1, 3, 7, 40], [0, 2.5, 10, 30, 31.9], [12, 20, 35, 39, 32], [5, 3, 2, 1, 1]);
  const p = prepareRfm(t);
  for (const modified of [false, true]) {
    const theta = [0.7, 3.1, 1.3, 2.2];
    const g = new Float64Array(4);
    bgnbdLogLikelihoodPrepared(p, theta, g, modified);
    for (let k = 0; k < 4; k++) {
      const h = 1e-6 * theta[k];
      const up = theta.slice(), dn = theta.slice();
      up[k] += h; dn[k] -= h;
      const fd = (bgnbdLogLikelihoodPrepared(p, up, null, modified) - bgnbdLogLikelihoodPrepared(p, dn, null, modified)) / (2 * h);
      assert.ok(Math.abs(g[k] - fd) < 1e-6 * Math.max(1, Math.abs(fd)), `modified=${modified} k=${k}: ${g[k]} vs ${fd}`);
    }
  }
});

test('BG/NBD analytic Hessian agrees with central differences of the gradient (integer and fractional x, MBG/NBD)', () => {
  const cases = [
    tuples([0, 1, 3, 7, 40, 2], [0, 2.5, 10, 30, 31.9, 0.5], [12, 20, 35, 39, 32, 3], [5, 3, 2, 1, 1, 4]),
    tuples([0, 1.5, 3.25, 12.5], [0, 4, 10, 30], [10, 20, 35, 39], [2, 3, 1, 2]),
  ];
  for (const t of cases) {
    const p = prepareRfm(t);
    for (const modified of [false, true]) {
      for (const theta of [[0.7, 3.1, 1.3, 2.2], [0.24, 4.4, 0.79, 2.43], [2.5, 0.8, 4, 0.6]]) {
        const g = new Float64Array(4), H = new Float64Array(16), g0 = new Float64Array(4);
        const ll = bgnbdLogLikelihoodPrepared(p, theta, g, modified, H);
        // The Hessian pass returns the same value and gradient as the gradient pass.
        const ll0 = bgnbdLogLikelihoodPrepared(p, theta, g0, modified);
        assert.ok(Math.abs(ll - ll0) < 1e-10 * Math.abs(ll0));
        for (let k = 0; k < 4; k++) assert.ok(Math.abs(g[k] - g0[k]) < 1e-10 * Math.max(1, Math.abs(g0[k])));
        for (let k = 0; k < 4; k++) {
          const h = 1e-5 * theta[k];
          const up = theta.slice(), dn = theta.slice();
          up[k] += h; dn[k] -= h;
          const gu = new Float64Array(4), gd = new Float64Array(4);
          bgnbdLogLikelihoodPrepared(p, up, gu, modified);
          bgnbdLogLikelihoodPrepared(p, dn, gd, modified);
          for (let i = 0; i < 4; i++) {
            const fd = (gu[i] - gd[i]) / (2 * h);
            assert.ok(Math.abs(H[i * 4 + k] - fd) < 1e-6 * Math.max(1, Math.abs(fd)), `modified=${modified} θ=${theta} H[${i}][${k}]: ${H[i * 4 + k]} vs ${fd}`);
          }
        }
      }
    }
  }
});

test('BG/NBD heavy buyers (x up to 10,000) give finite likelihood, P(alive) and expectations', () => {
  const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  const t = tuples([10_000, 5000, 1], [38.99, 20, 1], [39, 39, 39]);
  const ll = bgnbdLogLikelihood(p, t);
  assert.ok(Number.isFinite(ll) && ll > 0, `${ll}`);
  const alive = bgnbdPAlive(p, 10_000, 38.99, 39);
  assert.ok(alive > 0.5 && alive <= 1, `${alive}`);
  const e = bgnbdExpectedPurchases(p, 52, 10_000, 38.99, 39);
  assert.ok(Number.isFinite(e) && e > 5_000 && e < 20_000, `${e}`);
  // Silent for 19 weeks after 5,000 purchases: certainly gone, but still a number.
  const gone = bgnbdExpectedPurchases(p, 52, 5000, 20, 39);
  assert.ok(Number.isFinite(gone) && gone >= 0 && gone < 1e-3, `${gone}`);
});

test('BG/NBD expectations are 0 at t = 0 and grow with t; x = 0 customers are alive', () => {
  const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  assert.equal(bgnbdExpectedPurchasesNew(p, 0), 0);
  assert.ok(bgnbdExpectedPurchasesNew(p, 10) < bgnbdExpectedPurchasesNew(p, 20));
  assert.equal(bgnbdPAlive(p, 0, 0, 30), 1);
  // a = 1 is a removable singularity of the closed form
  const one = bgnbdExpectedPurchasesNew({ ...p, a: 1 }, 52);
  const near = bgnbdExpectedPurchasesNew({ ...p, a: 1.001 }, 52);
  assert.ok(Math.abs(one - near) < 1e-2, `${one} vs ${near}`);
});

test('BG/NBD fit: everyone x = 0, a single customer and bad tuples give typed errors', () => {
  assert.throws(() => fitBgnbd(tuples([0, 0], [0, 0], [10, 20], [100, 50])), DegenerateDataError);
  assert.throws(() => fitBgnbd(tuples([3], [5], [10])), DegenerateDataError);
  assert.throws(() => fitBgnbd(tuples([1], [12], [10])), InvalidArgumentsError);
  assert.throws(() => fitBgnbd(tuples([0], [3], [10])), InvalidArgumentsError);
  assert.throws(() => fitBgnbd({ ...tuples([1], [2], [10]), count: f([-1]) }), InvalidArgumentsError);
  assert.throws(() => fitBgnbd(tuples([1, 2], [2, NaN], [10, 10])), /row 1: t_x = NaN is not finite/);
  assert.throws(() => fitBgnbd(tuples([1, 2], [2, 3], [10, Infinity])), /row 1: T = Infinity is not finite/);
  assert.throws(() => fitBgnbd({ ...tuples([1, 2], [2, 3], [10, 10]), count: f([1]) }), /column count has 1 rows, expected 2/);
});

test('BG/NBD: the screened Newton polish reaches the same optimum as plain BFGS, with the same standard errors', () => {
  const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  const data = simulateBgnbd(createRng(5), truth, 60_000, [26, 30, 34, 38, 42, 46, 50, 52]);
  const screened = fitBgnbd(data); // 60,000 rows: screened on a subsample, then Newton on all
  const plain = fitBgnbd(data, { screenAbove: 0 });
  assert.ok(Math.abs(screened.logLikelihood - plain.logLikelihood) < 1e-6, `${screened.logLikelihood} vs ${plain.logLikelihood}`);
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    assert.ok(Math.abs(screened.params[k] - plain.params[k]) < 1e-3 * screened.stdErrors[k], `${k}: ${screened.params[k]} vs ${plain.params[k]}`);
    assert.ok(Math.abs(screened.stdErrors[k] / plain.stdErrors[k] - 1) < 1e-4, `${k} SE: ${screened.stdErrors[k]} vs ${plain.stdErrors[k]}`);
  }
  // The analytic standard errors against central differences of the analytic gradient (in θ).
  const p = prepareRfm(data);
  const theta = [plain.params.r, plain.params.alpha, plain.params.a, plain.params.b];
  const negLl = (th: Float64Array, g: Float64Array): number => {
    const v = bgnbdLogLikelihoodPrepared(p, th, g);
    for (let i = 0; i < 4; i++) g[i] = -g[i];
    return -v;
  };
  const se = standardErrors(negLl, theta);
  ['r', 'alpha', 'a', 'b'].forEach((k, i) => {
    const analytic = plain.stdErrors[k as 'r'];
    assert.ok(Math.abs(analytic / se[i] - 1) < 1e-4, `${k}: analytic ${analytic} vs central differences ${se[i]}`);
  });
});

test('BG/NBD recovers simulated parameters within two standard errors (60,000 customers)', () => {
  const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  const data = simulateBgnbd(createRng(11), truth, 60_000, [26, 30, 34, 38, 42, 46, 50, 52]);
  const fit = fitBgnbd(data);
  assert.equal(fit.converged, true);
  assert.equal(fit.customers, 60_000);
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    const z = (fit.params[k] - truth[k]) / fit.stdErrors[k];
    assert.ok(Math.abs(z) < 2, `${k}: ${fit.params[k]} ± ${fit.stdErrors[k]} vs ${truth[k]}`);
  }
});
