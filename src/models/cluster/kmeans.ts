/**
 * k-means (Lloyd's algorithm with k-means++ seeding, Arthur & Vassilvitskii 2007) through `ml-kmeans`,
 * with a seeded start and several restarts, and the choice of k by the mean silhouette
 * (Rousseeuw 1987) on a seeded subsample. Pure: rows in, labels and centroids out.
 */
import { kmeans as mlKmeans } from 'ml-kmeans';
import { InvalidArgumentsError } from '../numeric/errors.js';
import { createRng, shuffle } from '../numeric/random.js';

export const KMEANS_DEFAULTS = {
  maxIterations: 100,
  tolerance: 1e-6,
  restarts: 4,
  seed: 1,
};

export interface KMeansFit {
  k: number;
  centroids: number[][];
  labels: Int32Array;
  /** Within-cluster sum of squared distances. */
  inertia: number;
  iterations: number;
}

function sq(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) { const d = a[i] - b[i]; s += d * d; }
  return s;
}

function check(data: readonly number[][], k: number, where: string): void {
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentsError(`${where}: k must be a positive integer, got ${k}`);
  if (data.length < k) throw new InvalidArgumentsError(`${where}: ${data.length} points cannot make ${k} clusters`);
  const dim = data[0]?.length ?? 0;
  for (let i = 0; i < data.length; i++) {
    const r = data[i];
    if (r.length !== dim) throw new InvalidArgumentsError(`${where}: row ${i} has ${r.length} values, expected ${dim}`);
    for (const x of r) if (!Number.isFinite(x)) throw new InvalidArgumentsError(`${where}: row ${i} has a non-finite value`);
  }
}

/** The best of `restarts` k-means++ runs (smallest inertia); seeds seed, seed+1, …. */
export function kmeans(data: number[][], k: number, opts: Partial<typeof KMEANS_DEFAULTS> = {}): KMeansFit {
  const o = { ...KMEANS_DEFAULTS, ...opts };
  check(data, k, 'kmeans');
  let best: KMeansFit | null = null;
  for (let r = 0; r < o.restarts; r++) {
    const res = mlKmeans(data, k, { initialization: 'kmeans++', seed: o.seed + r, maxIterations: o.maxIterations, tolerance: o.tolerance });
    const labels = Int32Array.from(res.clusters);
    let inertia = 0;
    for (let i = 0; i < data.length; i++) inertia += sq(data[i], res.centroids[labels[i]]);
    if (best === null || inertia < best.inertia) best = { k, centroids: res.centroids, labels, inertia, iterations: res.iterations };
  }
  return best!;
}

/** Index of the nearest centroid. */
export function nearest(row: readonly number[], centroids: readonly number[][]): number {
  let best = 0;
  let bd = Infinity;
  for (let c = 0; c < centroids.length; c++) {
    const d = sq(row, centroids[c]);
    if (d < bd) { bd = d; best = c; }
  }
  return best;
}

/** Mean silhouette s(i) = (b − a)/max(a, b) over the points (Euclidean distances); null when k < 2. */
export function silhouette(data: readonly number[][], labels: ArrayLike<number>, k: number): number | null {
  if (k < 2) return null;
  const n = data.length;
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]] += Math.sqrt(sq(data[i], data[j]));
    const own = labels[i];
    if (sizes[own] <= 1) continue; // s(i) = 0 for a singleton
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    if (!Number.isFinite(b)) continue;
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/**
 * BIC of a k-means fit read as a mixture of spherical Gaussians with one shared variance (X-means,
 * Pelleg & Moore 2000, eq. 2–3): −2 log L + p log n with p = k·d + 1 + (k − 1); smaller is better.
 */
export function kmeansBic(n: number, d: number, sizes: ArrayLike<number>, inertia: number): number {
  const k = sizes.length;
  const variance = inertia / Math.max(1, (n - k) * d);
  if (!(variance > 0)) return -Infinity;
  let logL = 0;
  for (let c = 0; c < k; c++) {
    const m = sizes[c];
    if (m > 0) logL += m * Math.log(m / n);
  }
  logL += (-n * d / 2) * Math.log(2 * Math.PI * variance) - ((n - k) * d) / 2;
  return -2 * logL + (k * d + k) * Math.log(n);
}

export interface KChoice {
  k: number;
  fit: KMeansFit;
  /** Mean silhouette by k, on the subsample. */
  scores: { k: number; silhouette: number | null; inertia: number; bic: number }[];
}

/**
 * Fits k = kMin..kMax and keeps the largest k whose mean silhouette (on a seeded subsample of at most
 * `silhouetteSample` points; the silhouette is O(n²)) is within `tolerance` (relative) of the best:
 * with tolerance 0 the k of the best silhouette; a small tolerance prefers the finer split when the
 * silhouette cannot tell two k apart (thin segments).
 */
export function chooseK(data: number[][], kMin: number, kMax: number, opts: Partial<typeof KMEANS_DEFAULTS> & { silhouetteSample?: number; tolerance?: number } = {}): KChoice {
  if (kMin < 2 || kMax < kMin) throw new InvalidArgumentsError(`chooseK: need 2 <= kMin <= kMax, got ${kMin}..${kMax}`);
  const hi = Math.min(kMax, data.length - 1);
  if (hi < kMin) throw new InvalidArgumentsError(`chooseK: ${data.length} points are too few for ${kMin} clusters`);
  const m = Math.min(data.length, opts.silhouetteSample ?? 2000);
  const idx = shuffle(createRng((opts.seed ?? KMEANS_DEFAULTS.seed) + 7919), Int32Array.from({ length: data.length }, (_, i) => i)) as Int32Array;
  const sub = Array.from(idx.subarray(0, m), (i) => data[i]);
  const fits: KMeansFit[] = [];
  const scores: KChoice['scores'] = [];
  for (let k = kMin; k <= hi; k++) {
    const fit = kmeans(data, k, opts);
    const labels = Array.from(idx.subarray(0, m), (i) => fit.labels[i]);
    const s = silhouette(sub, labels, k);
    const sizes = new Float64Array(k);
    for (const l of fit.labels) sizes[l]++;
    scores.push({ k, silhouette: s, inertia: fit.inertia, bic: kmeansBic(data.length, data[0].length, sizes, fit.inertia) });
    fits.push(fit);
  }
  const top = Math.max(...scores.map((x) => x.silhouette ?? -Infinity));
  const tol = opts.tolerance ?? 0;
  let pick = 0;
  scores.forEach((x, i) => { if (x.silhouette !== null && x.silhouette >= top - tol * Math.abs(top)) pick = i; });
  return { k: scores[pick].k, fit: fits[pick], scores };
}
