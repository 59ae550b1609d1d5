import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discountedPurchases, rfmModel, scoreRfmTuples } from './clv.js';

test('scoreRfmTuples (grouped by x and T) equals the per-tuple discounted sum and expectation for all three models', () => {
  const tuples = {
    x: Float64Array.from([0, 1, 1, 5, 5, 26, 300]),
    t_x: Float64Array.from([0, 3, 10, 20, 30.857, 30.857, 38]),
    T: Float64Array.from([31, 31, 31, 31, 31, 31, 40]),
  };
  const specs = [
    rfmModel({ model: 'bgnbd', params: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 } }),
    rfmModel({ model: 'mbgnbd', params: { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 } }),
    rfmModel({ model: 'pnbd', params: { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.67 } }),
  ];
  const discount = { discountRate: 0.002, periodLength: 1, horizon: 52 };
  for (const m of specs) {
    const s = scoreRfmTuples(m, tuples, 39, discount);
    for (let i = 0; i < tuples.x.length; i++) {
      const [x, tx, T] = [tuples.x[i], tuples.t_x[i], tuples.T[i]];
      const e = m.expectedPurchases(39, x, tx, T), d = discountedPurchases(m, x, tx, T, discount);
      assert.ok(Math.abs(s.expectedPurchases[i] - e) <= 1e-12 * Math.max(1, e), `${m.model} E row ${i}`);
      assert.ok(Math.abs(s.discountedPurchases[i] - d) <= 1e-9 * Math.max(1, d), `${m.model} DET row ${i}: ${s.discountedPurchases[i]} vs ${d}`);
      assert.ok(Number.isFinite(s.pAlive[i]) && s.pAlive[i] >= 0 && s.pAlive[i] <= 1);
    }
  }
});
