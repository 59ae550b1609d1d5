import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPreorders } from './preorders.js';
import { simulateIdeas } from './simulate.js';
import { assertJsonSafe } from '../../../test/helpers/json-safe.js';
import { InvalidArgumentsError } from '../var/errors.js';
import { chiSquareQuantile } from '../var/special.js';
import { createRng } from '../numeric/random.js';

test('hand-checkable: orders per vote is Σorders/Σvotes, lag summary from first vote to first order', () => {
  const r = fitPreorders({
    launched: [
      { id: 'a', votes: 100, orders: 12, firstVotePeriod: 0, firstOrderPeriod: 3 },
      { id: 'b', votes: 50, orders: 4, firstVotePeriod: 2, firstOrderPeriod: 4 },
      { id: 'c', votes: 250, orders: 24, firstVotePeriod: 1, firstOrderPeriod: 8 },
    ],
    open: [{ id: 'x', votes: 10 }, { id: 'y', votes: 300 }],
  });
  assert.equal(r.status, 'ok');
  assert.ok(Math.abs(r.ordersPerVote!.estimate - 40 / 400) < 1e-15);
  assert.ok(r.ordersPerVote!.lower < 0.1 && 0.1 < r.ordersPerVote!.upper);
  assert.deepEqual({ n: r.lag!.n, mean: r.lag!.mean, median: r.lag!.median, min: r.lag!.min, max: r.lag!.max }, { n: 3, mean: 4, median: 3, min: 2, max: 7 });
  assert.deepEqual(r.forecasts.map((f) => [f.id, f.rank]), [['y', 1], ['x', 2]]);
  assert.ok(Math.abs(r.forecasts[0].expected - 30) < 1e-12);
  assert.ok(r.forecasts[0].lower <= 30 && 30 <= r.forecasts[0].upper);
  assert.ok(r.forecasts[1].probabilityAnyOrder > 0.4 && r.forecasts[1].probabilityAnyOrder < 0.8, 'P(any) for 1 expected order ≈ 1 − e^−1');
  assertJsonSafe(r);
});

const cases = [
  { r: 0.15, k: 4, n: 40, measured: 91, pi: 93 },
  { r: 0.15, k: Infinity, n: 40, measured: 95, pi: 97 },
  { r: 0.05, k: 2, n: 20, measured: 89, pi: 93 },
];
for (const c of cases) {
  test(`coverage over 100 seeds: orders-per-vote interval covers r = ${c.r} (${c.n} launched ideas, shape ${c.k}) — measured ${c.measured}/100; prediction intervals cover ${c.pi}% of new ideas' orders`, (t) => {
    let cover = 0;
    let inside = 0;
    let total = 0;
    for (let s = 0; s < 100; s++) {
      const rng = createRng(s);
      const launched = simulateIdeas({ ordersPerVote: c.r, shape: c.k, medianVotes: 100 }, c.n, rng);
      const fresh = simulateIdeas({ ordersPerVote: c.r, shape: c.k, medianVotes: 100 }, 20, rng);
      const res = fitPreorders({ launched, open: fresh.map((f) => ({ id: f.id, votes: f.votes })) }, { draws: 1000, seed: s });
      const e = res.ordersPerVote!;
      if (e.lower <= c.r && c.r <= e.upper) cover++;
      for (const f of res.forecasts) {
        const actual = fresh.find((x) => x.id === f.id)!.orders;
        total++;
        if (f.lower <= actual && actual <= f.upper) inside++;
      }
    }
    t.diagnostic(`coverage r: ${cover}/100, prediction intervals: ${((100 * inside) / total).toFixed(1)}%`);
    assert.ok(cover >= 85 && cover <= 100, `coverage ${cover}/100`);
    assert.ok(inside / total >= 0.88, `prediction coverage ${inside / total}`);
  });
}

test('overdispersion is detected: shape k̂ near the truth with many ideas, null for Poisson data', () => {
  const nb = fitPreorders({ launched: simulateIdeas({ ordersPerVote: 0.2, shape: 3, medianVotes: 200 }, 400, createRng(1)), open: [] });
  assert.ok(nb.shape !== null && nb.shape > 1.5 && nb.shape < 6, `k̂ = ${nb.shape}`);
  const pois = fitPreorders({ launched: simulateIdeas({ ordersPerVote: 0.2, shape: Infinity, medianVotes: 200 }, 400, createRng(2)), open: [] });
  assert.ok(pois.shape === null || pois.shape > 20, `k̂ = ${pois.shape}`);
});

test('thin and degenerate data give a status, never NaN', () => {
  const none = fitPreorders({ launched: [], open: [{ id: 'x', votes: 5 }] });
  assert.equal(none.status, 'insufficient-data');
  assert.deepEqual(none.forecasts, []);
  assertJsonSafe(none);
  const one = fitPreorders({ launched: [{ id: 'a', votes: 10, orders: 2 }], open: [] });
  assert.equal(one.status, 'insufficient-data');
  const noVotes = fitPreorders({ launched: ['a', 'b', 'c'].map((id) => ({ id, votes: 0, orders: 1 })), open: [] });
  assert.equal(noVotes.status, 'no-votes');
  assertJsonSafe(noVotes);
  const noOrders = fitPreorders({ launched: ['a', 'b', 'c'].map((id) => ({ id, votes: 100, orders: 0 })), open: [] });
  assert.equal(noOrders.status, 'no-orders');
  assert.equal(noOrders.ordersPerVote!.estimate, 0);
  assert.ok(Math.abs(noOrders.ordersPerVote!.upper - chiSquareQuantile(0.975, 2) / 600) < 1e-12, 'exact Poisson upper bound');
  assertJsonSafe(noOrders);
  // identical ratios: the sandwich is 0, the Poisson floor keeps the interval honest
  const exact = fitPreorders({ launched: [10, 20, 30].map((v, i) => ({ id: `i${i}`, votes: v, orders: v / 10 })), open: [{ id: 'z', votes: 0 }] });
  assert.ok(exact.ordersPerVote!.upper > exact.ordersPerVote!.lower);
  assert.equal(exact.forecasts[0].upper, 0);
  assertJsonSafe(exact);
});

test('the same seed gives the same forecasts', () => {
  const launched = simulateIdeas({ ordersPerVote: 0.1, shape: 2, medianVotes: 50 }, 30, createRng(8));
  const open = [{ id: 'p', votes: 80 }, { id: 'q', votes: 15 }];
  assert.deepEqual(fitPreorders({ launched, open }, { seed: 4 }), fitPreorders({ launched, open }, { seed: 4 }));
});

test('bad input throws InvalidArgumentsError', () => {
  assert.throws(() => fitPreorders({ launched: [{ id: 'a', votes: -1, orders: 0 }], open: [] }), InvalidArgumentsError);
  assert.throws(() => fitPreorders({ launched: [{ id: 'a', votes: 1, orders: Number.NaN }], open: [] }), InvalidArgumentsError);
  assert.throws(() => fitPreorders({ launched: [{ id: 'a', votes: 1, orders: 1, firstVotePeriod: 5, firstOrderPeriod: 2 }], open: [] }), InvalidArgumentsError);
  assert.throws(() => fitPreorders({ launched: [], open: [{ id: 'x', votes: 1 }, { id: 'x', votes: 2 }] }), InvalidArgumentsError);
});
