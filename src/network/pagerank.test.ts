import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, randomInt } from '../models/numeric/random.js';
import { outCsr } from './csr.js';
import { ConvergenceError, InvalidArgumentsError } from './errors.js';
import { graphologyPagerank, toDirectedGraph } from './graphology.js';
import { pagerank } from './pagerank.js';

test('PageRank of a 3-node graph solved by hand: A→B, A→C, B→C, C→A at α = 0.85 is (686, 380, 703)/1769', () => {
  // x_A = 0.05 + 0.85 x_C; x_B = 0.05 + 0.425 x_A; x_C = 0.05 + 0.425 x_A + 0.85 x_B
  // ⇒ x_A = 0.128625 / 0.3316875 = 686/1769, x_B = 380/1769, x_C = 703/1769.
  const g = outCsr(3, [0, 0, 1, 2], [1, 2, 2, 0]);
  const { scores } = pagerank(g, { tolerance: 1e-14 });
  assert.ok(Math.abs(scores[0] - 686 / 1769) < 1e-12);
  assert.ok(Math.abs(scores[1] - 380 / 1769) < 1e-12);
  assert.ok(Math.abs(scores[2] - 703 / 1769) < 1e-12);
});

/**
 * An independent dense power iteration: M[j][i] = α·w_ij / out_i, dangling columns uniform,
 * x ← M x + (1−α)/N, run a fixed 300 times.
 */
function densePagerank(n: number, src: number[], dst: number[], w: number[], alpha: number): number[] {
  const W = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let e = 0; e < src.length; e++) if (src[e] !== dst[e]) W[src[e]][dst[e]] += w[e];
  const out = W.map((row) => row.reduce((a, b) => a + b, 0));
  let x = new Array<number>(n).fill(1 / n);
  for (let it = 0; it < 300; it++) {
    const y = new Array<number>(n).fill((1 - alpha) / n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const p = out[i] === 0 ? 1 / n : W[i][j] / out[i];
        y[j] += alpha * x[i] * p;
      }
    }
    x = y;
  }
  return x;
}

test('PageRank equals an independent dense power iteration on a weighted random graph with dangling nodes', () => {
  const rng = createRng(11);
  const n = 60;
  const src: number[] = [];
  const dst: number[] = [];
  const w: number[] = [];
  for (let e = 0; e < 240; e++) {
    const u = randomInt(rng, n - 5); // nodes 55–59 never send: dangling
    src.push(u);
    dst.push(randomInt(rng, n));
    w.push(1 + randomInt(rng, 4));
  }
  const expected = densePagerank(n, src, dst, w, 0.85);
  const { scores } = pagerank(outCsr(n, src, dst, w), { tolerance: 1e-13 });
  let sum = 0;
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(scores[i] - expected[i]) < 1e-10, `node ${i}: ${scores[i]} vs ${expected[i]}`);
    sum += scores[i];
  }
  assert.ok(Math.abs(sum - 1) < 1e-12);
  const unweighted = pagerank(outCsr(n, src, dst, w), { weighted: false, tolerance: 1e-13 }).scores;
  // Parallel edges merge in the CSR, so "unweighted" counts each distinct pair once.
  const merged = new Set<string>();
  const s2: number[] = [];
  const d2: number[] = [];
  src.forEach((u, e) => {
    const k = `${u},${dst[e]}`;
    if (!merged.has(k)) {
      merged.add(k);
      s2.push(u);
      d2.push(dst[e]);
    }
  });
  const expectedDistinct = densePagerank(n, s2, d2, s2.map(() => 1), 0.85);
  assert.ok(s2.length < src.length, 'the test graph has parallel edges');
  for (let i = 0; i < n; i++) assert.ok(Math.abs(unweighted[i] - expectedDistinct[i]) < 1e-10);
});

test('PageRank agrees with graphology-metrics on the same weighted graph', () => {
  const rng = createRng(5);
  const n = 200;
  const src: number[] = [];
  const dst: number[] = [];
  const w: number[] = [];
  for (let e = 0; e < 1200; e++) {
    src.push(randomInt(rng, n));
    dst.push(Math.floor(n * rng.next() ** 3));
    w.push(1 + randomInt(rng, 3));
  }
  const g = outCsr(n, src, dst, w);
  const ours = pagerank(g, { tolerance: 1e-12 }).scores;
  const theirs = graphologyPagerank(toDirectedGraph(g), { getEdgeWeight: 'weight', tolerance: 1e-14, maxIterations: 1000 });
  for (let i = 0; i < n; i++) assert.ok(Math.abs(ours[i] - theirs[String(i)]) < 1e-9, `node ${i}`);
});

test('PageRank checks its options and throws when it cannot converge', () => {
  const g = outCsr(3, [0, 1, 2], [1, 2, 0]);
  assert.throws(() => pagerank(g, { alpha: 1 }), InvalidArgumentsError);
  assert.throws(() => pagerank(g, { tolerance: 0 }), InvalidArgumentsError);
  const rng = createRng(2);
  const src = Array.from({ length: 50 }, () => randomInt(rng, 20));
  const dst = Array.from({ length: 50 }, () => randomInt(rng, 20));
  assert.throws(() => pagerank(outCsr(20, src, dst), { maxIterations: 2 }), ConvergenceError);
  assert.equal(pagerank(outCsr(0, [], [])).scores.length, 0);
});
