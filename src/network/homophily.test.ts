import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, normal, randomInt } from '../models/numeric/random.js';
import { InvalidArgumentsError } from './errors.js';
import { giniMeanDifference, homophily } from './homophily.js';

test('giniMeanDifference equals the brute-force mean |x_i − x_j| over distinct pairs', () => {
  const rng = createRng(1);
  const x = Float64Array.from({ length: 57 }, () => normal(rng));
  let s = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) if (i !== j) s += Math.abs(x[i] - x[j]);
  assert.ok(Math.abs(giniMeanDifference(x) - s / (x.length * (x.length - 1))) < 1e-12);
});

/** Nodes in two groups with values around 0 and 5; `pIn` of edges stay inside a group. */
function twoGroups(pIn: number, seed: number) {
  const rng = createRng(seed);
  const n = 200;
  const value = Float64Array.from({ length: n }, (_, i) => (i < 100 ? 0 : 5) + normal(rng));
  const src = new Int32Array(1000);
  const dst = new Int32Array(1000);
  for (let e = 0; e < 1000; e++) {
    const u = randomInt(rng, n);
    const same = rng.next() < pIn;
    const v = same === u < 100 ? randomInt(rng, 100) : 100 + randomInt(rng, 100);
    src[e] = u;
    dst[e] = v;
  }
  return { src, dst, value };
}

test('homophily: assortative groups give a small p-value and a ratio below 1, a random wiring does not', () => {
  const g = twoGroups(0.9, 4);
  const h = homophily(g.src, g.dst, g.value, { permutations: 199, rng: createRng(1) });
  assert.equal(h.pValue, 1 / 200);
  assert.ok(h.ratio! < 0.6, `ratio ${h.ratio}`);
  assert.ok(h.assortativity! > 0.5, `r ${h.assortativity}`);
  const r = twoGroups(0.5, 4);
  const hr = homophily(r.src, r.dst, r.value, { permutations: 199, rng: createRng(1) });
  assert.ok(hr.pValue! > 0.01, `p ${hr.pValue}`);
  assert.ok(Math.abs(hr.ratio! - 1) < 0.1, `ratio ${hr.ratio}`);
});

test('homophily is reproducible with the same seed and skips nodes without a value', () => {
  const g = twoGroups(0.7, 8);
  g.value[0] = NaN;
  g.value[150] = NaN;
  const a = homophily(g.src, g.dst, g.value, { permutations: 99, rng: createRng(5) });
  const b = homophily(g.src, g.dst, g.value, { permutations: 99, rng: createRng(5) });
  assert.deepEqual(a, b);
  assert.equal(a.nodesWithValue, 198);
  let used = 0;
  for (let e = 0; e < g.src.length; e++) if (![0, 150].includes(g.src[e]) && ![0, 150].includes(g.dst[e]) && g.src[e] !== g.dst[e]) used++;
  assert.equal(a.edgesUsed, used);
});

test('homophily without usable edges returns nulls, and rejects bad input', () => {
  const h = homophily(Int32Array.from([0]), Int32Array.from([1]), Float64Array.from([1, NaN]));
  assert.equal(h.edgesUsed, 0);
  assert.equal(h.pValue, null);
  assert.equal(h.edgeMeanAbsDiff, null);
  assert.throws(() => homophily(new Int32Array(0), new Int32Array(0), Float64Array.from([Infinity])), InvalidArgumentsError);
  assert.throws(() => homophily(new Int32Array(0), new Int32Array(0), new Float64Array(0), { permutations: -1 }), InvalidArgumentsError);
});
