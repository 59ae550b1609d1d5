import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addObservation, compareArms, compareArmsCuped, cupedTheta, emptyMoments, tTwoSidedP, type ArmMoments } from './compare.js';
import { beta, createRng, gamma, type Rng } from '../numeric/random.js';
import { tCdf } from '../var/special.js';

function moments(ys: number[], xs: number[] = ys.map(() => 0)): ArmMoments {
  const m = emptyMoments();
  ys.forEach((y, i) => addObservation(m, y, xs[i]));
  return m;
}

test('Welch comparison from sums equals the textbook computation on the raw values', () => {
  const c = [1, 2, 3, 4, 5];
  const t = [2, 4, 6, 8, 10, 12];
  const r = compareArms(moments(c), moments(t));
  assert.ok(r);
  // by hand: means 3 and 7, variances 2.5 and 14, se² = 0.5 + 14/6
  const vc = 2.5 / 5;
  const vt = 14 / 6;
  const se = Math.sqrt(vc + vt);
  const df = (vc + vt) ** 2 / (vc * vc / 4 + vt * vt / 5);
  assert.ok(Math.abs(r.absolute - 4) < 1e-12);
  assert.ok(Math.abs(r.se - se) < 1e-12);
  assert.ok(Math.abs(r.df - df) < 1e-9);
  assert.ok(Math.abs(r.pValue - 2 * (1 - tCdf(4 / se, df))) < 1e-12);
  // delta-method relative lift: 7/3 − 1 with Var = vt/μc² + μt² vc/μc⁴
  assert.ok(Math.abs((r.relative ?? NaN) - 4 / 3) < 1e-12);
  const h = ((r.upper ?? NaN) - (r.lower ?? NaN)) / 2;
  const hAbs = (r.absoluteUpper - r.absoluteLower) / 2;
  assert.ok(Math.abs(h / Math.sqrt(vt / 9 + (49 * vc) / 81) - hAbs / se) < 1e-9, 'both intervals use the same t quantile');
});

test('two-sided t p-value: t = 0 gives 1, large |t| gives tiny p with digits (2.2e-16 scale)', () => {
  assert.equal(tTwoSidedP(0, 10), 1);
  const p = tTwoSidedP(12, 1e6);
  assert.ok(p > 0 && p < 1e-30, `p ${p}`);
});

test('no variance in either arm (no conversions anywhere) gives null, not NaN', () => {
  assert.equal(compareArms(moments([0, 0, 0]), moments([0, 0, 0, 0])), null);
  const r = compareArms(moments([0, 0, 0]), moments([0, 1, 0, 0]));
  assert.ok(r);
  assert.equal(r.relative, null, 'relative lift over a zero control rate is undefined');
});

/**
 * Per-customer data with a pre-period that predicts the outcome: a latent per-window purchase probability
 * p = 0.8·Beta(0.3, 1.2) (so p·1.2 < 1 and the true relative lift is exact); X = purchases in four
 * pre-exposure windows, Y = a purchase in the window after exposure with P(Y) = p·(1 + lift) in
 * treatment; revenue adds Gamma(6, 0.2) spend per purchase. With `predictive` false, X ignores p.
 */
function simulateArms(rng: Rng, n: number, lift: number, predictive = true) {
  const conv = [emptyMoments(), emptyMoments()];
  const rev = [emptyMoments(), emptyMoments()];
  for (let arm = 0; arm < 2; arm++) {
    for (let i = 0; i < n; i++) {
      const p = 0.8 * beta(rng, 0.3, 1.2);
      let x = 0;
      let spendX = 0;
      for (let w = 0; w < 4; w++) {
        if (rng.next() < (predictive ? p : 0.16)) {
          x++;
          spendX += gamma(rng, 6, 0.2);
        }
      }
      const y = rng.next() < p * (arm === 1 ? 1 + lift : 1) ? 1 : 0;
      const spendY = y ? gamma(rng, 6, 0.2) : 0;
      addObservation(conv[arm], y, x);
      addObservation(rev[arm], spendY, spendX);
    }
  }
  return { conv, rev };
}
/** E[p] of the generator: 0.8 · 0.3/1.5. */
const MEAN_P = 0.16;

test('A/A, 100 seeds: the false-positive rate at α = 0.05 is within 2–8% (conversion, CUPED conversion, revenue, CUPED revenue)', () => {
  const hits = { conversion: 0, 'conversion CUPED': 0, revenue: 0, 'revenue CUPED': 0 };
  for (let seed = 1; seed <= 100; seed++) {
    const { conv, rev } = simulateArms(createRng(seed), 2000, 0);
    const r = compareArms(conv[0], conv[1]);
    const c = compareArmsCuped(conv[0], conv[1]);
    const v = compareArms(rev[0], rev[1]);
    const vc = compareArmsCuped(rev[0], rev[1]);
    assert.ok(r && c && v && vc);
    if (r.pValue < 0.05) hits.conversion++;
    if (c.pValue < 0.05) hits['conversion CUPED']++;
    if (v.pValue < 0.05) hits.revenue++;
    if (vc.pValue < 0.05) hits['revenue CUPED']++;
  }
  for (const [name, k] of Object.entries(hits)) assert.ok(k >= 2 && k <= 8, `${name}: ${k} of 100 A/A runs significant`);
});

test('known lift +20%, 100 seeds: the 95% interval of the relative lift covers the truth in 90–99% (raw and CUPED)', () => {
  const lift = 0.2;
  let covered = 0;
  let coveredCuped = 0;
  let coveredAbs = 0;
  for (let seed = 101; seed <= 200; seed++) {
    const { conv } = simulateArms(createRng(seed), 3000, lift);
    const r = compareArms(conv[0], conv[1]);
    const c = compareArmsCuped(conv[0], conv[1]);
    assert.ok(r && c && r.lower !== null && r.upper !== null && c.lower !== null && c.upper !== null);
    if (r.lower <= lift && lift <= r.upper) covered++;
    if (c.lower <= lift && lift <= c.upper) coveredCuped++;
        const trueAbs = lift * MEAN_P;
    if (r.absoluteLower <= trueAbs && trueAbs <= r.absoluteUpper) coveredAbs++;
  }
  for (const [name, k] of [['relative', covered], ['relative, CUPED', coveredCuped], ['absolute', coveredAbs]] as const) {
    assert.ok(k >= 90 && k <= 99, `${name}: covered in ${k} of 100 seeds`);
  }
});

test('CUPED: reduces the variance when the pre-period predicts the outcome, and never biases the estimate', () => {
  const lift = 0.2;
  const seeds = 100;
  const est = { raw: [] as number[], cuped: [] as number[], noise: [] as number[] };
  let reported = 0;
  let reportedNoise = 0;
  for (let seed = 301; seed < 301 + seeds; seed++) {
    const a = simulateArms(createRng(seed), 2000, lift, true);
    const r = compareArms(a.conv[0], a.conv[1]);
    const c = compareArmsCuped(a.conv[0], a.conv[1]);
    const b = simulateArms(createRng(seed + 10_000), 2000, lift, false);
    const cn = compareArmsCuped(b.conv[0], b.conv[1]);
    assert.ok(r && c && cn);
    est.raw.push(r.absolute);
    est.cuped.push(c.absolute);
    est.noise.push(cn.absolute);
    reported += c.varianceReduction;
    reportedNoise += cn.varianceReduction;
    assert.ok(c.se < r.se, `seed ${seed}: CUPED se ${c.se} not below raw ${r.se}`);
  }
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const sd = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));
  const trueAbs = lift * MEAN_P;
  // unbiased: the mean estimate over seeds is within 3 standard errors of the truth, with and without CUPED
  for (const [name, v] of Object.entries(est)) {
    const z = (mean(v) - trueAbs) / (sd(v) / Math.sqrt(v.length));
    assert.ok(Math.abs(z) < 3, `${name}: mean ${mean(v)} vs truth ${trueAbs} (z = ${z.toFixed(2)})`);
  }
  // the spread over seeds shrinks, by about the reported reduction
  const empirical = 1 - sd(est.cuped) ** 2 / sd(est.raw) ** 2;
  const avgReported = reported / seeds;
  assert.ok(avgReported > 0.05, `reported variance reduction ${avgReported}`);
  assert.ok(empirical > 0, `empirical variance reduction ${empirical}`);
  assert.ok(Math.abs(empirical - avgReported) < 0.15, `empirical ${empirical} vs reported ${avgReported}`);
  // a covariate that predicts nothing reduces (almost) nothing
  assert.ok(Math.abs(reportedNoise / seeds) < 0.01, `uninformative covariate: ${reportedNoise / seeds}`);
});

test('CUPED θ is the pooled within-arm regression slope; no variation in X → null', () => {
  // Y = 2X + arm offset exactly: θ = 2 within arms whatever the offset
  const c = moments([1, 3, 5], [0, 1, 2]);
  const t = moments([11, 13, 15, 17], [0, 1, 2, 3]);
  assert.ok(Math.abs((cupedTheta([c, t]) ?? NaN) - 2) < 1e-12);
  assert.equal(cupedTheta([moments([1, 0, 1], [1, 1, 1]), moments([0, 1], [1, 1])]), null);
  assert.equal(compareArmsCuped(moments([1, 0, 1], [1, 1, 1]), moments([0, 1], [1, 1])), null);
});
