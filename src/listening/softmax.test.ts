import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, normal } from '../models/numeric/random.js';
import { fitSoftmax, predictProba, type SparseRow } from './softmax.js';

test('softmax regression recovers the coefficients it was simulated from (seeded)', () => {
  // Three classes, two features; class 0 is the reference (its weights are fixed at 0 in the simulation).
  const W = [[0, 0], [1.5, -1], [-2, 2]];
  const b = [0, 0.5, -0.5];
  const rng = createRng(11);
  const rows: SparseRow[] = [];
  const y: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const x = [normal(rng), normal(rng)];
    const z = W.map((w, k) => b[k] + w[0] * x[0] + w[1] * x[1]);
    const m = Math.max(...z);
    const p = z.map((v) => Math.exp(v - m));
    const s = p.reduce((a, c) => a + c, 0);
    let u = rng.next() * s;
    let k = 0;
    while (u > p[k]) u -= p[k++];
    rows.push({ index: Int32Array.from([0, 1]), value: Float64Array.from(x) });
    y.push(k);
  }
  const fit = fitSoftmax(rows, y, 3, 2, { l2: 1e-6 });
  // Softmax weights are identified up to a common shift per feature: compare differences to class 0.
  for (const k of [1, 2]) {
    for (const j of [0, 1]) {
      const est = fit.weights[k * 2 + j] - fit.weights[j];
      assert.ok(Math.abs(est - (W[k][j] - W[0][j])) < 0.1, `w[${k}][${j}]: ${est} vs ${W[k][j]}`);
    }
    assert.ok(Math.abs(fit.bias[k] - fit.bias[0] - (b[k] - b[0])) < 0.1, `b[${k}]`);
  }
  const p = predictProba(fit, { index: Int32Array.from([0, 1]), value: Float64Array.from([0, 0]) });
  assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-12);
});

test('softmax input checks name the problem', () => {
  const row = { index: Int32Array.from([0]), value: Float64Array.from([1]) };
  assert.throws(() => fitSoftmax([], [], 3, 1), /no training rows/);
  assert.throws(() => fitSoftmax([row], [3], 3, 1), /label 3 of row 0/);
  assert.throws(() => fitSoftmax([{ index: Int32Array.from([5]), value: Float64Array.from([1]) }], [0], 3, 1), /feature 5 of row 0/);
  assert.throws(() => fitSoftmax([row], [0], 3, 1, { l2: 0 }), /l2 must be > 0/);
});
