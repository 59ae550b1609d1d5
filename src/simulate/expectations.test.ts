import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bgnbdExpectedRepeats, gammaGammaMeanSpend } from './expectations.js';

test('E[X(t)] with a fixed dropout p is the a, b → ∞ limit of BG/NBD (FHL 2005 eq. 9) and r t/α at p = 0', () => {
  const base = { r: 2, alpha: 10 };
  assert.equal(bgnbdExpectedRepeats(52, { ...base, a: 1, b: 1, dropout: 0 }), (2 * 52) / 10);
  // BG/NBD with a/(a+b) = 0.01 and a + b = 1e6 is within O(1/(a+b)) of the limit.
  const limit = bgnbdExpectedRepeats(52, { ...base, a: 1, b: 1, dropout: 0.01 });
  const near = bgnbdExpectedRepeats(52, { ...base, a: 1e4, b: 99e4 });
  assert.ok(Math.abs(limit - near) < 1e-4 * limit, `${limit} vs ${near}`);
  assert.ok(Math.abs(limit - (1 - Math.pow(10 / (10 + 0.52), 2)) / 0.01) < 1e-12);
});

test('BG/NBD E[X(52)] for a new CDNOW customer is 1.444 (Fader, Hardie & Lee 2005; BTYD)', () => {
  const cdnow = { r: 0.2425945, alpha: 4.4136019, a: 0.7929199, b: 2.4258881 };
  assert.equal(bgnbdExpectedRepeats(52, cdnow).toFixed(3), '1.444');
  assert.equal(bgnbdExpectedRepeats(0, cdnow), 0);
});

test('BG/NBD E[X(t)] is continuous through the removable singularity at a = 1', () => {
  const p = { r: 0.5, alpha: 8, b: 3 };
  const at1 = bgnbdExpectedRepeats(30, { ...p, a: 1 });
  const near = bgnbdExpectedRepeats(30, { ...p, a: 1.001 });
  assert.ok(Number.isFinite(at1));
  assert.ok(Math.abs(at1 - near) < 1e-3 * near);
});

test('Gamma-Gamma mean spend is p·gamma/(q−1), null when q <= 1', () => {
  assert.equal(gammaGammaMeanSpend({ p: 6.25, q: 3.74, gamma: 15.44 }), (6.25 * 15.44) / 2.74);
  assert.equal(gammaGammaMeanSpend({ p: 1, q: 1, gamma: 1 }), null);
});
