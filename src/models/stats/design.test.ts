import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daysNeeded, meansDesign, twoProportionDesign } from './design.js';
import { InvalidArgumentsError } from '../numeric/errors.js';

// R: qnorm(0.975), qnorm(0.8), qnorm(0.995), qnorm(0.9) — typed in, not computed by the code under test.
const Z975 = 1.959963984540054;
const Z80 = 0.8416212335729143;
const Z995 = 2.5758293035489;
const Z90 = 1.2815515655446004;

/** Fleiss et al. eq. 4.14 written out independently with R's quantiles. */
function fleiss(p1: number, p2: number, za: number, zb: number): number {
  const pbar = (p1 + p2) / 2;
  return (za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2;
}

test('two proportions: 0.10 → 0.12 at α = 0.05, power 0.8 needs 3,841 per arm (R power.prop.test: n = 3840.847)', () => {
  const d = twoProportionDesign({ baseline: 0.1, mde: 0.02 });
  assert.equal(d.perArm, 3841);
  assert.equal(d.total, 7682);
  assert.ok(Math.abs(d.exact - 3840.847) < 0.01, `exact ${d.exact}`);
  assert.equal(d.days, null);
});

test('two proportions match the textbook formula over a grid of baselines, effects, α and power', () => {
  for (const [p1, mde, alpha, power, za, zb] of [
    [0.1, 0.02, 0.05, 0.8, Z975, Z80],
    [0.05, 0.01, 0.05, 0.8, Z975, Z80],
    [0.3, -0.05, 0.05, 0.9, Z975, Z90],
    [0.5, 0.1, 0.01, 0.8, Z995, Z80],
    [0.02, 0.004, 0.01, 0.9, Z995, Z90],
  ] as const) {
    const d = twoProportionDesign({ baseline: p1, mde, alpha, power });
    const n = fleiss(p1, p1 + mde, za, zb);
    assert.ok(Math.abs(d.exact - n) < 1e-6 * n, `${p1}+${mde}: ${d.exact} vs ${n}`);
    assert.equal(d.perArm, Math.ceil(n));
  }
});

test('two proportions: the design has the stated power under the normal approximation', () => {
  const p1 = 0.08;
  const p2 = 0.1;
  const d = twoProportionDesign({ baseline: p1, mde: p2 - p1 });
  // power at n = Φ((|δ|√n − z_{α/2}√(2p̄q̄)) / √(p1q1 + p2q2)); Φ⁻¹(power) should be z_0.8
  const pbar = (p1 + p2) / 2;
  const z = (Math.abs(p2 - p1) * Math.sqrt(d.exact) - Z975 * Math.sqrt(2 * pbar * (1 - pbar))) / Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  assert.ok(Math.abs(z - Z80) < 1e-9, `z ${z}`);
});

test('means (Welch): R power.t.test(delta = 1, sd = 1) n = 16.71 → 17 and (delta = 0.5) n = 63.77 → 64', () => {
  const a = meansDesign({ sd: 1, mde: 1 });
  assert.equal(a.perArm, 17);
  assert.ok(Math.abs(a.exact - 16.71477) < 0.1, `exact ${a.exact}`);
  const b = meansDesign({ sd: 1, mde: 0.5 });
  assert.equal(b.perArm, 64);
  assert.ok(Math.abs(b.exact - 63.76576) < 0.1, `exact ${b.exact}`);
  // large n: the normal formula 2σ²(z+z)²/δ² and the t refinement agree to within a customer
  const c = meansDesign({ sd: 40, mde: 2 });
  const normal = (2 * 1600 * (Z975 + Z80) ** 2) / 4;
  assert.ok(c.exact > normal && c.exact - normal < 2, `${c.exact} vs ${normal}`);
  // unequal variances: σ_c² + σ_t² replaces 2σ²
  const u = meansDesign({ sd: 30, sdTreatment: 50, mde: 2 });
  const un = ((900 + 2500) * (Z975 + Z80) ** 2) / 4;
  assert.ok(u.exact > un && u.exact - un < 2, `${u.exact} vs ${un}`);
});

test('days: total over daily traffic, rounded up; no traffic → null', () => {
  assert.equal(twoProportionDesign({ baseline: 0.1, mde: 0.02, dailyTraffic: 500 }).days, Math.ceil(7682 / 500));
  assert.equal(daysNeeded(100, 0), null);
  assert.equal(daysNeeded(100, null), null);
  assert.equal(daysNeeded(100, 30), 4);
});

test('bad design inputs throw a typed error naming the argument', () => {
  assert.throws(() => twoProportionDesign({ baseline: 0, mde: 0.02 }), InvalidArgumentsError);
  assert.throws(() => twoProportionDesign({ baseline: 0.1, mde: 0 }), /mde/);
  assert.throws(() => twoProportionDesign({ baseline: 0.95, mde: 0.1 }), /baseline \+ mde/);
  assert.throws(() => twoProportionDesign({ baseline: 0.1, mde: 0.02, alpha: 1.5 }), /alpha/);
  assert.throws(() => meansDesign({ sd: 0, mde: 1 }), /standard deviations/);
  assert.throws(() => meansDesign({ sd: 1, mde: 1, power: 1 }), /power/);
});
