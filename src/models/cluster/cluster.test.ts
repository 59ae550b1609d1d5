import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedRandIndex, averageRanks, spearman } from './agreement.js';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { chooseK, kmeans, nearest, silhouette } from './kmeans.js';
import { createRng, normal } from '../numeric/random.js';
import { InvalidArgumentsError } from '../numeric/errors.js';

/** ARI by brute-force pair counting (an independent computation of the same definition). */
function ariByPairs(a: number[], b: number[]): number {
  const n = a.length;
  let ss = 0, sd = 0, ds = 0, dd = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const sa = a[i] === a[j], sb = b[i] === b[j];
    if (sa && sb) ss++; else if (sa) sd++; else if (sb) ds++; else dd++;
  }
  // Hubert & Arabie's ARI in pair-count form (Steinley 2004, eq. 3)
  return (2 * (ss * dd - sd * ds)) / ((ss + sd) * (sd + dd) + (ss + ds) * (ds + dd));
}

test('adjusted Rand index: scikit-learn documented values and brute-force pair counting', () => {
  // sklearn.metrics.adjusted_rand_score docs: [0,0,1,1] vs [0,0,1,2] = 0.57…
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]) - 0.5714285714285715) < 1e-12);
  assert.equal(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]), 1);
  // sklearn docs: [0,0,1,1] vs [0,1,0,1] = -0.5
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) + 0.5) < 1e-12);
  const rng = createRng(3);
  for (let t = 0; t < 20; t++) {
    const a = Array.from({ length: 40 }, () => Math.floor(rng.next() * 4));
    const b = a.map((x) => (rng.next() < 0.3 ? Math.floor(rng.next() * 3) : x));
    assert.ok(Math.abs(adjustedRandIndex(a, b) - ariByPairs(a, b)) < 1e-9);
  }
  assert.throws(() => adjustedRandIndex([0], [0, 1]), InvalidArgumentsError);
});

test('Spearman: scipy.stats.spearmanr value, ties by average rank, invariance to monotone maps', () => {
  // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 0.8207826816681233
  assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])! - 0.8207826816681233) < 1e-12);
  assert.deepEqual(Array.from(averageRanks([10, 20, 20, 5])), [2, 3.5, 3.5, 1]);
  const x = [0.3, 1.2, 5, 2, 9, 4];
  assert.ok(Math.abs(spearman(x, x.map((v) => Math.exp(v)))! - 1) < 1e-12);
  assert.ok(Math.abs(spearman(x, x.map((v) => -v * v * v))! + 1) < 1e-12);
  assert.equal(spearman([1, 1, 1], [1, 2, 3]), null);
  assert.throws(() => spearman([1, NaN], [1, 2]), InvalidArgumentsError);
});

test('silhouette: hand-computed value on two 1-D clusters', () => {
  // points 0,1 | 5,6: s = (4.5/5.5 + 3.5/4.5) / 2 for each pair
  const s = silhouette([[0], [1], [5], [6]], [0, 0, 1, 1], 2)!;
  assert.ok(Math.abs(s - (4.5 / 5.5 + 3.5 / 4.5) / 2) < 1e-12);
  assert.equal(silhouette([[0], [1]], [0, 0], 1), null);
});

function blobs(seed: number, centers: number[][], per: number, sd: number): { data: number[][]; truth: number[] } {
  const rng = createRng(seed);
  const data: number[][] = [], truth: number[] = [];
  centers.forEach((c, k) => {
    for (let i = 0; i < per; i++) { data.push(c.map((m) => normal(rng, m, sd))); truth.push(k); }
  });
  return { data, truth };
}

test('k-means++ recovers three separated Gaussian blobs, reproducibly; the silhouette chooses k = 3', () => {
  const { data, truth } = blobs(11, [[0, 0, 0], [6, 0, 0], [0, 6, 6]], 150, 1);
  const a = kmeans(data, 3, { seed: 5 });
  const b = kmeans(data, 3, { seed: 5 });
  assert.deepEqual(Array.from(a.labels), Array.from(b.labels));
  assert.ok(adjustedRandIndex(a.labels, truth) > 0.97);
  assert.equal(nearest(data[0], a.centroids), a.labels[0]);
  const choice = chooseK(data, 2, 6, { seed: 2, silhouetteSample: 300 });
  assert.equal(choice.k, 3);
  assert.equal(choice.scores.length, 5);
  assert.throws(() => kmeans([[1], [2]], 3), InvalidArgumentsError);
  assert.throws(() => kmeans([[1], [NaN], [3]], 2), /non-finite/);
});

test('k-means is bit-for-bit ml-kmeans 7 (k-means++ seeding, same seed): centroids, labels and iterations, ties and duplicates included', () => {
  const rng = createRng(23);
  const sets: number[][][] = [
    blobs(4, [[0, 0], [3, 1], [1, 4], [5, 5]], 120, 1.3).data,
    Array.from({ length: 400 }, () => Array.from({ length: 7 }, () => normal(rng, 0, 1))),
    // few distinct values: many tied distances and duplicate points
    Array.from({ length: 300 }, () => Array.from({ length: 3 }, () => Math.floor(rng.next() * 3))),
  ];
  for (const data of sets) {
    for (const k of [1, 2, 3, 5, 8]) {
      for (const [seed, tolerance] of [[1, 1e-6], [9, 0.02]] as const) {
        const ours = kmeans(data, k, { seed, restarts: 1, tolerance });
        const ref = mlKmeans(data, k, { initialization: 'kmeans++', seed, maxIterations: 100, tolerance });
        assert.deepEqual(ours.centroids, ref.centroids, `k ${k} seed ${seed}`);
        assert.deepEqual(Array.from(ours.labels), ref.clusters, `k ${k} seed ${seed}`);
        assert.equal(ours.iterations, ref.iterations);
      }
    }
  }
});

test('chooseK: every silhouette is the one computed for its k alone (the whole data as the subsample, in another order: to rounding)', () => {
  const { data } = blobs(5, [[0, 0, 0], [4, 0, 0], [0, 4, 4], [4, 4, 0]], 60, 1);
  const choice = chooseK(data, 2, 6, { seed: 3, silhouetteSample: 240 });
  for (const s of choice.scores) {
    const fit = kmeans(data, s.k, { seed: 3 });
    assert.ok(Math.abs(s.silhouette! - silhouette(data, fit.labels, s.k)!) < 1e-12, `k ${s.k}`);
    assert.equal(s.inertia, fit.inertia);
  }
});
