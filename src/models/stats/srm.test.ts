import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleRatioMismatch } from './srm.js';

test('SRM: χ² goodness of fit against the planned split (R chisq.test)', () => {
  // chisq.test(c(5000, 5200)): X-squared = 3.9216, p-value = 0.04767
  const a = sampleRatioMismatch([5000, 5200], [50, 50]);
  assert.ok(Math.abs(a.chiSquare - 3.921569) < 1e-5);
  assert.ok(Math.abs(a.pValue - 0.04767) < 1e-5, `p ${a.pValue}`);
  assert.equal(a.flagged, false);
  // 10,000 vs 10,500: χ² = 12.195, p = 0.000479 → flagged at 0.001
  const b = sampleRatioMismatch([10000, 10500], [1, 1]);
  assert.ok(Math.abs(b.chiSquare - 12.19512) < 1e-4);
  assert.ok(b.flagged && b.pValue < 0.001 && b.pValue > 0.0004);
  // a planned 90/10 split met exactly is not flagged; read as 50/50 it is
  assert.equal(sampleRatioMismatch([9000, 1000], [90, 10]).pValue, 1);
  assert.equal(sampleRatioMismatch([9000, 1000], [50, 50]).flagged, true);
  // three arms, df = 2: chisq.test(c(30, 20, 10)) X-squared = 10, p = e^{−5} = 0.006738
  const c = sampleRatioMismatch([30, 20, 10], [1, 1, 1]);
  assert.equal(c.df, 2);
  assert.ok(Math.abs(c.pValue - Math.exp(-5)) < 1e-12);
});

test('SRM: bad input throws', () => {
  assert.throws(() => sampleRatioMismatch([1, 2], [1]), /weights/);
  assert.throws(() => sampleRatioMismatch([1], [1]), /two variants/);
  assert.throws(() => sampleRatioMismatch([1, 2], [0, 1]), /weights/);
});
