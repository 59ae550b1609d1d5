import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitMbgnbd, mbgnbdExpectedPurchases, mbgnbdExpectedPurchasesNew, mbgnbdPAlive } from './mbgnbd.js';
import { simulateMbgnbd } from './simulate.js';
import { createRng } from '../numeric/random.js';
import { hyp2f1 } from '../numeric/special.js';

test('MBG/NBD: x = 0 customers may be dead, and the Euler form equals the paper\'s 2F1 expression', () => {
  const p = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };
  const alive0 = mbgnbdPAlive(p, 0, 0, 39);
  assert.ok(alive0 < 1 && alive0 > 0);
  // Batislam et al. eq. 5 evaluated directly with the untransformed 2F1 (moderate x, so it does not overflow)
  const x = 3, tx = 20, T = 39, t = 52, z = t / (p.alpha + T + t);
  const direct = (((p.a + p.b + x) / (p.a - 1)) * (1 - ((p.alpha + T) / (p.alpha + T + t)) ** (p.r + x) * hyp2f1(p.r + x, p.b + x + 1, p.a + p.b + x, z))) * mbgnbdPAlive(p, x, tx, T);
  assert.ok(Math.abs(mbgnbdExpectedPurchases(p, t, x, tx, T) - direct) < 1e-10 * direct);
  const newDirect = (p.b / (p.a - 1)) * (1 - (p.alpha / (p.alpha + t)) ** p.r * hyp2f1(p.r, p.b + 1, p.a + p.b, t / (p.alpha + t)));
  assert.ok(Math.abs(mbgnbdExpectedPurchasesNew(p, t) - newDirect) < 1e-10 * newDirect);
  assert.ok(Number.isFinite(mbgnbdExpectedPurchases(p, 52, 10_000, 38.9, 39)));
});

test('MBG/NBD recovers simulated parameters within two standard errors (30,000 customers)', () => {
  const truth = { r: 0.5, alpha: 6, a: 0.9, b: 1.6 };
  const fit = fitMbgnbd(simulateMbgnbd(createRng(13), truth, 30_000, [26, 30, 34, 38, 42, 46, 50, 52]));
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    const z = (fit.params[k] - truth[k]) / fit.stdErrors[k];
    assert.ok(Math.abs(z) < 2, `${k}: ${fit.params[k]} ± ${fit.stdErrors[k]} vs ${truth[k]}`);
  }
});
