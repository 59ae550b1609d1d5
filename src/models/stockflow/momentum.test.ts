import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brandMomentum, fitLogLinearTrend } from './momentum.js';
import { assertJsonSafe } from '../../../test/helpers/json-safe.js';
import { InvalidArgumentsError } from '../var/errors.js';
import { createRng, gamma, poisson } from '../numeric/random.js';

test('exact exponential flow: growth recovered exactly (rates, no noise)', () => {
  const flow = Array.from({ length: 10 }, (_, t) => 100 * Math.exp(0.1 * t));
  const r = brandMomentum({ flow }, { kind: 'rates' });
  assert.ok(Math.abs(r.growthRate! - 0.1) < 1e-9);
  assert.ok(Math.abs(r.growthPct! - Math.expm1(0.1)) < 1e-9);
});

test('Poisson trend MLE by hand: flow 1, 1, 3 satisfies the score equation 5·sinh g = 1 + 2·cosh g', () => {
  // μ_x = c·e^{gx}, x = −1, 0, 1: Σ(y − μ) = 0 gives c(e^−g + 1 + e^g) = 5; Σx(y − μ) = 0 gives c(e^g − e^−g) = 2
  const f = fitLogLinearTrend([1, 1, 3], 0, 3, 0.95, 'counts')!;
  const g = f.growthRate;
  assert.ok(Math.abs(5 * Math.sinh(g) - 1 - 2 * Math.cosh(g)) < 1e-9, `g = ${g}`);
  assert.equal(f.dispersion, 1, 'under-dispersed counts use the Poisson floor');
});

const cases = [
  { g: 0.05, cv: 0, measured: 95, label: 'Poisson' },
  { g: 0.05, cv: 0.3, measured: 95, label: 'overdispersed (gamma cv 0.3)' },
  { g: -0.03, cv: 0.3, measured: 97, label: 'overdispersed, declining' },
  { g: 0, cv: 0, measured: 96, label: 'Poisson, flat' },
];
for (const c of cases) {
  test(`coverage over 100 seeds: 95% interval of 12-period momentum covers g = ${c.g} (${c.label}) — measured ${c.measured}/100`, (t) => {
    let cover = 0;
    let significant = 0;
    for (let s = 0; s < 100; s++) {
      const rng = createRng(s);
      const flow = Array.from({ length: 12 }, (_, i) => poisson(rng, 30 * Math.exp(c.g * i) * (c.cv > 0 ? gamma(rng, 1 / c.cv ** 2, 1 / c.cv ** 2) : 1)));
      const r = brandMomentum({ flow });
      if (r.interval!.lower <= c.g && c.g <= r.interval!.upper) cover++;
      if (r.significant) significant++;
    }
    t.diagnostic(`coverage ${cover}/100, significant ${significant}/100`);
    assert.ok(cover >= 85 && cover <= 100, `coverage ${cover}/100`);
    if (c.g === 0) assert.ok(significant <= 15, `false positives ${significant}/100`);
  });
}

test('strong growth is flagged significant and growing; the rolling series has one point per period', () => {
  const rng = createRng(3);
  const flow = Array.from({ length: 30 }, (_, t) => poisson(rng, 20 * Math.exp(0.08 * t)));
  const periods = flow.map((_, t) => `2024-${String(t + 1).padStart(2, '0')}`);
  const r = brandMomentum({ flow, periods });
  assert.equal(r.status, 'ok');
  assert.equal(r.significant, true);
  assert.equal(r.direction, 'growing');
  assert.equal(r.series.length, 30);
  assert.equal(r.series[0].growthRate, null);
  assert.equal(r.from, periods[18]);
  assertJsonSafe(r);
});

test('thin and degenerate flow give a status, never NaN', () => {
  for (const flow of [[], [5], [5, 6]]) {
    const r = brandMomentum({ flow });
    assert.equal(r.status, 'insufficient-data');
    assert.equal(r.growthRate, null);
    assertJsonSafe(r);
  }
  const zero = brandMomentum({ flow: new Array(20).fill(0) });
  assert.equal(zero.status, 'no-flow');
  assertJsonSafe(zero);
  const lone = brandMomentum({ flow: [0, 0, 0, 0, 9] });
  assert.equal(lone.status, 'insufficient-data');
  assertJsonSafe(lone);
  const flat = brandMomentum({ flow: new Array(20).fill(4) });
  assert.equal(flat.status, 'constant-series');
  assert.equal(flat.growthRate, 0);
  assert.equal(flat.significant, false);
  assertJsonSafe(flat);
  const flatRate = brandMomentum({ flow: new Array(20).fill(0.25) }, { kind: 'rates' });
  assert.equal(flatRate.status, 'constant-series');
  assertJsonSafe(flatRate);
  const short = brandMomentum({ flow: [3, 5, 8, 13] });
  assert.equal(short.status, 'ok');
  assert.equal(short.window, 4);
  assert.ok(short.warnings.length === 1);
});

test('bad input throws InvalidArgumentsError', () => {
  assert.throws(() => brandMomentum({ flow: [1, -1, 2] }), InvalidArgumentsError);
  assert.throws(() => brandMomentum({ flow: [1, Number.POSITIVE_INFINITY, 2] }), InvalidArgumentsError);
  assert.throws(() => brandMomentum({ flow: [1, 2, 3] }, { window: 2 }), InvalidArgumentsError);
  assert.throws(() => brandMomentum({ flow: [1, 2, 3], periods: ['a'] }), InvalidArgumentsError);
});
