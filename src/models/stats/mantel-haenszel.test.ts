import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mantelHaenszelRiskRatio } from './mantel-haenszel.js';
import { InvalidArgumentsError } from '../numeric/errors.js';

const Z95 = 1.959963984540054;

test('one stratum: the crude risk ratio with the Katz variance 1/a − 1/n1 + 1/c − 1/n0 of its log', () => {
  const r = mantelHaenszelRiskRatio([{ a: 30, n1: 120, c: 20, n0: 200 }]);
  const rr = (30 / 120) / (20 / 200);
  const seLog = Math.sqrt(1 / 30 - 1 / 120 + 1 / 20 - 1 / 200);
  assert.ok(Math.abs(r.estimate! - rr) < 1e-12);
  assert.ok(Math.abs(r.seLog! - seLog) < 1e-12);
  assert.ok(Math.abs(r.lower! - rr * Math.exp(-Z95 * seLog)) < 1e-12);
  assert.ok(Math.abs(r.upper! - rr * Math.exp(Z95 * seLog)) < 1e-12);
  assert.equal(r.strata, 1);
  // A 90% interval uses z = 1.6449 and is narrower.
  const r90 = mantelHaenszelRiskRatio([{ a: 30, n1: 120, c: 20, n0: 200 }], { level: 0.9 });
  assert.ok(Math.abs(r90.upper! - rr * Math.exp(1.6448536269514722 * seLog)) < 1e-12);
});

test('strata: a common RR of 2 is recovered where the pooled table says 4.67; empty and control-poor strata are left out', () => {
  const strata = [
    { a: 20, n1: 100, c: 90, n0: 900 }, // 20% vs 10%
    { a: 540, n1: 900, c: 30, n0: 100 }, // 60% vs 30%
    { a: 5, n1: 5, c: 0, n0: 0 }, // no controls
    { a: 0, n1: 0, c: 3, n0: 10 }, // no treated
  ];
  const r = mantelHaenszelRiskRatio(strata);
  assert.ok(Math.abs(r.estimate! - 2) < 1e-12);
  assert.equal(r.strata, 2);
  assert.equal(mantelHaenszelRiskRatio(strata, { minControls: 200 }).strata, 1);
  assert.equal(mantelHaenszelRiskRatio([{ a: 0, n1: 10, c: 3, n0: 10 }]).estimate, null);
  assert.throws(() => mantelHaenszelRiskRatio(strata, { level: 1 }), InvalidArgumentsError);
  assert.throws(() => mantelHaenszelRiskRatio([{ a: -1, n1: 10, c: 3, n0: 10 }]), InvalidArgumentsError);
});
