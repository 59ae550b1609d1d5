import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeAdstock, fitAdstock } from './adstock.js';
import { simulateStockFlow } from './simulate.js';
import { assertJsonSafe } from '../../../test/helpers/json-safe.js';
import { InvalidArgumentsError } from '../var/errors.js';
import { createRng } from '../numeric/random.js';

test('adstock recursion by hand: flow 10, 0, 0, 5 with λ = 0.5 gives 10, 5, 2.5, 6.25', () => {
  assert.deepEqual(Array.from(computeAdstock([10, 0, 0, 5], 0.5)), [10, 5, 2.5, 6.25]);
  assert.deepEqual(Array.from(computeAdstock([1, 2, 3], 0)), [1, 2, 3]);
});

test('noise-free data: λ recovered to 1e-6 when purchases are an exact linear function of the stock', () => {
  const flow = [5, 9, 2, 14, 3, 0, 7, 11, 4, 6, 13, 1, 8, 2, 10];
  const S = computeAdstock(flow, 0.6);
  const purchases = flow.map((_, t) => (t === 0 ? 3 : 3 + 0.4 * S[t - 1]));
  const r = fitAdstock({ flow, purchases });
  assert.equal(r.status, 'ok');
  assert.ok(Math.abs(r.lambda! - 0.6) < 1e-6, `λ̂ = ${r.lambda}`);
  assert.ok(Math.abs(r.slope!.estimate - 0.4) < 1e-5);
  assert.ok(Math.abs(r.halfLife! - Math.log(0.5) / Math.log(0.6)) < 1e-4);
  assertJsonSafe(r);
});

test('recovers λ = 0.7 from two years of simulated weekly flow and purchases', () => {
  const d = simulateStockFlow({ lambda: 0.7, intercept: 5, slope: 0.5, flowMean: 20 }, 104, createRng(42));
  const periods = d.flow.map((_, t) => `w${t}`);
  const r = fitAdstock({ flow: d.flow, purchases: d.purchases, periods });
  assert.equal(r.status, 'ok');
  assert.ok(r.interval!.lower < 0.7 && 0.7 < r.interval!.upper, `interval ${JSON.stringify(r.interval)}`);
  assert.ok(r.interval!.upper - r.interval!.lower < 0.25);
  assert.ok(r.slope!.lower > 0);
  assert.equal(r.stock!.length, 104);
  assert.equal(r.periods![103], 'w103');
  assert.ok(r.profile.every((p) => p.relativeLogLik <= 1e-9));
  assertJsonSafe(r);
});

for (const [lambda, T, measured] of [[0.7, 104, 96], [0.5, 52, 95], [0.9, 104, 92], [0.3, 104, 88]] as const) {
  test(`coverage over 100 seeds: profile-likelihood 95% interval covers λ = ${lambda} (T = ${T}) — measured ${measured}/100`, (t) => {
    let cover = 0;
    for (let s = 0; s < 100; s++) {
      const d = simulateStockFlow({ lambda, intercept: 5, slope: 0.5, flowMean: 20 }, T, createRng(s));
      const r = fitAdstock({ flow: d.flow, purchases: d.purchases });
      if (r.interval!.lower <= lambda && lambda <= r.interval!.upper) cover++;
    }
    t.diagnostic(`coverage λ=${lambda}, T=${T}: ${cover}/100`);
    assert.ok(cover >= 85 && cover <= 100, `coverage ${cover}/100`);
  });
}

test('same-period purchases (lead 0) are supported', () => {
  const d = simulateStockFlow({ lambda: 0.6, intercept: 2, slope: 0.3, flowMean: 30, lead: 0 }, 80, createRng(1));
  const r = fitAdstock({ flow: d.flow, purchases: d.purchases }, { lead: 0 });
  assert.equal(r.nPairs, 80);
  assert.ok(r.interval!.lower < 0.6 && 0.6 < r.interval!.upper);
});

test('stock unrelated to purchases: warned, interval wide, still finite', () => {
  const rng = createRng(5);
  const d = simulateStockFlow({ lambda: 0.5, intercept: 20, slope: 0, flowMean: 20 }, 60, rng);
  const r = fitAdstock({ flow: d.flow, purchases: d.purchases });
  assert.equal(r.status, 'ok');
  assert.ok(r.warnings.length > 0, 'a warning explains the weak identification');
  assertJsonSafe(r);
});

test('thin and degenerate data give a status and a message, never NaN', () => {
  const single = fitAdstock({ flow: [4], purchases: [2] });
  assert.equal(single.status, 'insufficient-data');
  assert.equal(single.lambda, null);
  assertJsonSafe(single);
  const empty = fitAdstock({ flow: [], purchases: [] });
  assert.equal(empty.status, 'insufficient-data');
  assertJsonSafe(empty);
  const zero = fitAdstock({ flow: new Array(20).fill(0), purchases: Array.from({ length: 20 }, (_, t) => t % 3) });
  assert.equal(zero.status, 'no-flow');
  assertJsonSafe(zero);
  const flat = fitAdstock({ flow: new Array(20).fill(7), purchases: Array.from({ length: 20 }, (_, t) => t % 3) });
  assert.equal(flat.status, 'constant-series');
  assertJsonSafe(flat);
  const flatY = fitAdstock({ flow: Array.from({ length: 20 }, (_, t) => t % 4), purchases: new Array(20).fill(3) });
  assert.equal(flatY.status, 'constant-series');
  assert.match(flatY.message!, /purchases/);
  assertJsonSafe(flatY);
});

test('bad input throws InvalidArgumentsError', () => {
  assert.throws(() => fitAdstock({ flow: [1, 2], purchases: [1] }), InvalidArgumentsError);
  assert.throws(() => fitAdstock({ flow: [1, -2, 3], purchases: [1, 2, 3] }), InvalidArgumentsError);
  assert.throws(() => fitAdstock({ flow: [1, 2, 3], purchases: [1, Number.NaN, 3] }), InvalidArgumentsError);
  assert.throws(() => fitAdstock({ flow: [1, 2, 3], purchases: [1, 2, 3] }, { lambdaMax: 1 }), InvalidArgumentsError);
  assert.throws(() => computeAdstock([1], 1), InvalidArgumentsError);
});
