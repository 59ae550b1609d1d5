import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaLogLikelihood, gammaGammaMeanSpend } from './gammagamma.js';
import { simulateGammaGamma } from './simulate.js';
import { customerEquity, customerLifetimeValue } from './clv.js';
import { createRng } from '../numeric/random.js';
import { DegenerateDataError, InvalidArgumentsError } from '../numeric/errors.js';

const f = (a: number[]): Float64Array => Float64Array.from(a);
const p = { p: 6.25, q: 3.74, gamma: 15.44 };

test('Gamma-Gamma conditional spend shrinks the customer mean toward the population mean', () => {
  const pop = gammaGammaMeanSpend(p);
  assert.ok(Math.abs(pop - (6.25 * 15.44) / 2.74) < 1e-12);
  assert.equal(gammaGammaExpectedSpend(p, 0, 0), pop);
  const e1 = gammaGammaExpectedSpend(p, 1, 100), e20 = gammaGammaExpectedSpend(p, 20, 100);
  assert.ok(pop < e1 && e1 < e20 && e20 < 100, `${pop} ${e1} ${e20}`);
  assert.throws(() => gammaGammaMeanSpend({ ...p, q: 0.9 }), InvalidArgumentsError);
  assert.ok(Number.isFinite(gammaGammaLogLikelihood(p, { x: f([10_000]), monetary: f([35]), count: f([1]) })));
});

test('Gamma-Gamma fit: zero spend, x = 0 and a single buyer give typed errors', () => {
  assert.throws(() => fitGammaGamma({ x: f([2]), monetary: f([0]), count: f([1]) }), InvalidArgumentsError);
  assert.throws(() => fitGammaGamma({ x: f([0]), monetary: f([10]), count: f([1]) }), InvalidArgumentsError);
  assert.throws(() => fitGammaGamma({ x: f([2]), monetary: f([10]), count: f([1]) }), DegenerateDataError);
});

test('Gamma-Gamma recovers simulated parameters within two standard errors (5,000 buyers)', () => {
  const xs = Array.from({ length: 5000 }, (_, i) => 1 + (i % 10));
  const fit = fitGammaGamma(simulateGammaGamma(createRng(15), p, xs));
  for (const k of ['p', 'q', 'gamma'] as const) {
    const z = (fit.params[k] - p[k]) / fit.stdErrors[k];
    assert.ok(Math.abs(z) < 2, `${k}: ${fit.params[k]} ± ${fit.stdErrors[k]} vs ${p[k]}`);
  }
});

test('CLV and customer equity', () => {
  assert.equal(customerLifetimeValue(3, 40, 0.25), 30);
  assert.equal(customerEquity(f([10, 20]), f([3, 1])), 50);
  assert.throws(() => customerEquity(f([1]), f([1, 2])), InvalidArgumentsError);
});
