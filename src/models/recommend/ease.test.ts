import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, inverse } from 'ml-matrix';
import { easeWeights, pruneRows } from './ease.js';
import { createRng, randomInt } from '../numeric/random.js';

function gramOf(X: number[][], n: number): Float64Array {
  const G = new Float64Array(n * n);
  for (const row of X) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n + j] += row[i] * row[j];
  return G;
}

test('EASE equals the closed form B = I − P·diagMat(1/diag P) computed with ml-matrix (Steck 2019, eq. 8)', () => {
  const rng = createRng(3);
  const n = 12;
  const X = Array.from({ length: 80 }, () => Array.from({ length: n }, () => (randomInt(rng, 4) === 0 ? 1 : 0)));
  const G = gramOf(X, n);
  const { B, lambda } = easeWeights(G, n, 5);
  assert.equal(lambda, 5);
  const A = new Matrix(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => G[i * n + j] + (i === j ? 5 : 0))));
  const P = inverse(A);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const expected = i === j ? 0 : -P.get(i, j) / P.get(j, j);
      assert.ok(Math.abs(B[i * n + j] - expected) < 1e-10, `B[${i},${j}] = ${B[i * n + j]}, expected ${expected}`);
    }
  }
  // The defining property of the solution: (G + λI)(I − B) is diagonal.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      let s = 0;
      for (let k = 0; k < n; k++) s += A.get(i, k) * ((k === j ? 1 : 0) - B[k * n + j]);
      assert.ok(Math.abs(s) < 1e-9, `((G+λI)(I−B))[${i},${j}] = ${s}`);
    }
  }
});

test('EASE links items bought together and pruning keeps the largest positive weights', () => {
  // Items 0 and 1 always together, 2 and 3 always together, 4 alone.
  const X: number[][] = [];
  for (let u = 0; u < 30; u++) X.push([1, 1, 0, 0, u % 3 === 0 ? 1 : 0]);
  for (let u = 0; u < 30; u++) X.push([0, 0, 1, 1, 0]);
  const n = 5;
  const { B } = easeWeights(gramOf(X, n), n);
  const w = pruneRows(B, n, 1);
  const top = new Map<number, number>();
  for (let e = 0; e < w.from.length; e++) top.set(w.from[e], w.to[e]);
  assert.equal(top.get(0), 1);
  assert.equal(top.get(1), 0);
  assert.equal(top.get(2), 3);
  assert.equal(top.get(3), 2);
  for (const x of w.weight) assert.ok(x > 0);
});

test('EASE rejects a Gram matrix of the wrong size and too many items', () => {
  assert.throws(() => easeWeights(new Float64Array(3), 2), /expected 4/);
  assert.throws(() => easeWeights(new Float64Array(1), 100000), /exceed/);
});
