import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bgnbdExpectedRepeats, gammaGammaMeanSpend, hyp2f1 } from './expectations.js';

test('hyp2f1 matches closed forms: 2F1(1,1;2;z) = −ln(1−z)/z and 2F1(a,b;b;z) = (1−z)^−a', () => {
  for (const z of [0.1, 0.5, 0.9, 0.99]) {
    assert.ok(Math.abs(hyp2f1(1, 1, 2, z) / (-Math.log1p(-z) / z) - 1) < 1e-12, `z=${z}`);
    assert.ok(Math.abs(hyp2f1(0.7, 2.5, 2.5, z) / Math.pow(1 - z, -0.7) - 1) < 1e-12, `z=${z}`);
  }
  assert.equal(hyp2f1(1, 1, 2, 0), 1);
  assert.throws(() => hyp2f1(1, 1, 2, 1), /z must be in \[0, 1\)/);
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
