/**
 * k-means (Lloyd's algorithm with k-means++ seeding, Arthur & Vassilvitskii 2007; the greedy variant with
 * 2 + ⌊ln k⌋ local trials per centre, as scikit-learn and ml-kmeans run it), with a seeded start and several
 * restarts, and the choice of k by the mean silhouette (Rousseeuw 1987) on a seeded subsample. Pure: rows in,
 * labels and centroids out.
 *
 * The points live in one row-major Float64Array in the hot loops. Every draw and every floating-point sum is
 * made in the order ml-kmeans 7 makes it (its XSadd generator seeded with the same seed, distances summed
 * dimension by dimension, pots and centre sums in point order), so a fit is bit-for-bit the one ml-kmeans
 * returns for the same data and seed; cluster.test.ts checks that against the package.
 */
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

/** Squared distance between row i of X and row j of C (both row-major, d columns), summed in dimension order. */
function sqRows(X: Float64Array, i: number, C: Float64Array, j: number, d: number): number {
  let s = 0;
  const a = i * d, b = j * d;
  for (let t = 0; t < d; t++) { const x = X[a + t] - C[b + t]; s += x * x; }
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

function flatten(data: readonly number[][]): Float64Array {
  const d = data[0]?.length ?? 0;
  const X = new Float64Array(data.length * d);
  for (let i = 0; i < data.length; i++) X.set(data[i], i * d);
  return X;
}

/**
 * XSadd (Saito & Matsumoto 2014), seeded and drawn as ml-random 2 / ml-xsadd 3 do: uniform on [0, 1) from the
 * top 24 bits of each output. k-means++ draws from it so its seeds match ml-kmeans's.
 */
class XSadd {
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new InvalidArgumentsError(`XSadd: seed must be an integer, got ${seed}`);
    const s = this.s;
    s[0] = seed;
    for (let i = 1; i < 8; i++) s[i & 3] ^= (i + mulUint32(1812433253, s[(i - 1) & 3] ^ (s[(i - 1) & 3] >>> 30))) >>> 0;
    if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) s.set([88, 83, 65, 68]);
    for (let i = 0; i < 8; i++) this.step();
  }

  private step(): void {
    const s = this.s;
    let t = s[0];
    t ^= t << 15;
    t ^= t >>> 18;
    t ^= s[3] << 11;
    s[0] = s[1];
    s[1] = s[2];
    s[2] = s[3];
    s[3] = t;
  }

  next(): number {
    this.step();
    return (((this.s[3] + this.s[2]) >>> 0) >>> 8) / 16777216;
  }
}

function mulUint32(n: number, m: number): number {
  n >>>= 0;
  m >>>= 0;
  const lo = n & 0xffff;
  return ((((n - lo) * m) >>> 0) + lo * m) >>> 0;
}

/**
 * k-means++ seeding (greedy: of 2 + ⌊ln k⌋ candidates drawn ∝ D², the one that lowers the potential most),
 * drawing from XSadd(seed). Returns the k centres, row-major.
 */
function seedCentres(X: Float64Array, n: number, d: number, k: number, seed: number): Float64Array {
  const rng = new XSadd(seed);
  const C = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = Math.floor(rng.next() * n);
  C.set(X.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = sqRows(X, i, C, 0, d);
  let best = new Float64Array(n);
  let cand = new Float64Array(n);
  const cum = new Float64Array(n);
  const picks = new Int32Array(trials);
  for (let c = 1; c < k; c++) {
    // probabilities D² / ΣD², accumulated in point order
    let total = closest[0];
    for (let i = 1; i < n; i++) total += closest[i];
    const inv = 1 / total;
    cum[0] = closest[0] * inv;
    for (let i = 1; i < n; i++) cum[i] = cum[i - 1] + closest[i] * inv;
    if (Math.abs(1 - cum[n - 1]) > 1e-8) throw new InvalidArgumentsError(`kmeans: k-means++ probabilities sum to ${cum[n - 1]}, not 1`);
    for (let t = 0; t < trials; t++) {
      const u = rng.next();
      let idx = 0;
      while (idx < n && u > cum[idx]) idx++;
      picks[t] = idx;
    }
    let bestPot = Infinity;
    let bestPick = -1;
    for (let t = 0; t < trials; t++) {
      let pot = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(closest[i], sqRows(X, picks[t], X, i, d));
        cand[i] = v;
        pot += v;
      }
      if (pot < bestPot) {
        bestPot = pot;
        bestPick = picks[t];
        const swap = best; best = cand; cand = swap;
      }
    }
    if (bestPick < 0 || bestPick >= n) throw new InvalidArgumentsError('kmeans: k-means++ found no candidate with a finite potential');
    C.set(X.subarray(bestPick * d, bestPick * d + d), c * d);
    const swap = closest; closest = best; best = swap;
  }
  return C;
}

/**
 * Lloyd's iterations from the seeded centres until no centre moves more than `tolerance` (squared distance)
 * or `maxIterations` (0: no limit). The labels are those of the last assignment step, the centroids the means
 * it gave (an empty cluster keeps its centre).
 */
function lloyd(X: Float64Array, n: number, d: number, k: number, seed: number, maxIterations: number, tolerance: number): { centroids: number[][]; labels: Int32Array; iterations: number } {
  let C = seedCentres(X, n, d, k, seed);
  const labels = new Int32Array(n);
  const size = new Float64Array(k);
  const limit = maxIterations === 0 ? Infinity : maxIterations;
  let iterations = 0;
  let converged = false;
  while (!converged && iterations < limit) {
    iterations++;
    for (let i = 0; i < n; i++) {
      let lab = -1;
      let bd = Number.MAX_VALUE;
      const a = i * d;
      for (let c = 0; c < k; c++) {
        // partial sums only grow (non-negative terms): once one reaches the best distance, this centre cannot win
        let dist = 0;
        const b = c * d;
        for (let t = 0; t < d && dist < bd; t++) { const x = X[a + t] - C[b + t]; dist += x * x; }
        if (dist < bd) { bd = dist; lab = c; }
      }
      if (lab < 0) throw new InvalidArgumentsError(`kmeans: point ${i} is at no finite distance from any centre`);
      labels[i] = lab;
    }
    const next = new Float64Array(k * d);
    size.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      size[c]++;
      for (let t = 0; t < d; t++) next[c * d + t] += X[i * d + t];
    }
    for (let c = 0; c < k; c++) {
      for (let t = 0; t < d; t++) next[c * d + t] = size[c] ? next[c * d + t] / size[c] : C[c * d + t];
    }
    converged = true;
    for (let c = 0; c < k && converged; c++) if (sqRows(next, c, C, c, d) > tolerance) converged = false;
    C = next;
  }
  const centroids = Array.from({ length: k }, (_, c) => Array.from(C.subarray(c * d, c * d + d)));
  return { centroids, labels, iterations };
}

/** The best of `restarts` k-means++ runs (smallest inertia); seeds seed, seed+1, …. */
export function kmeans(data: number[][], k: number, opts: Partial<typeof KMEANS_DEFAULTS> = {}): KMeansFit {
  const o = { ...KMEANS_DEFAULTS, ...opts };
  check(data, k, 'kmeans');
  if (!Number.isInteger(o.seed)) throw new InvalidArgumentsError(`kmeans: seed must be an integer, got ${o.seed}`);
  const n = data.length;
  const d = data[0].length;
  const X = flatten(data);
  let best: KMeansFit | null = null;
  for (let r = 0; r < o.restarts; r++) {
    const res = lloyd(X, n, d, k, o.seed + r, o.maxIterations, o.tolerance);
    let inertia = 0;
    for (let i = 0; i < n; i++) inertia += sq(data[i], res.centroids[res.labels[i]]);
    if (best === null || inertia < best.inertia) best = { k, centroids: res.centroids, labels: res.labels, inertia, iterations: res.iterations };
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

/**
 * Mean silhouettes of several labellings of the same points, each distance computed once: for point i, the
 * distances to the others are summed per cluster in point order, for every labelling. null where k < 2.
 */
function silhouettes(data: readonly number[][], labellings: readonly { labels: ArrayLike<number>; k: number }[]): (number | null)[] {
  const n = data.length;
  const d = data[0]?.length ?? 0;
  const X = flatten(data);
  const L = labellings.filter((x) => x.k >= 2);
  const offs: number[] = [];
  let width = 0;
  for (const x of L) { offs.push(width); width += x.k; }
  const labels = L.map((x) => Int32Array.from(x.labels as ArrayLike<number>));
  const sizes = new Float64Array(width);
  L.forEach((x, l) => { for (let i = 0; i < n; i++) sizes[offs[l] + labels[l][i]]++; });
  const sums = new Float64Array(width);
  const totals = new Float64Array(L.length);
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) dist[j] = j === i ? 0 : Math.sqrt(sqRows(X, i, X, j, d));
    sums.fill(0);
    for (let l = 0; l < L.length; l++) {
      const lab = labels[l], off = offs[l];
      for (let j = 0; j < n; j++) if (j !== i) sums[off + lab[j]] += dist[j];
    }
    for (let l = 0; l < L.length; l++) {
      const off = offs[l], k = L[l].k;
      const own = labels[l][i];
      if (sizes[off + own] <= 1) continue; // s(i) = 0 for a singleton
      const a = sums[off + own] / (sizes[off + own] - 1);
      let b = Infinity;
      for (let c = 0; c < k; c++) if (c !== own && sizes[off + c] > 0) b = Math.min(b, sums[off + c] / sizes[off + c]);
      if (!Number.isFinite(b)) continue;
      totals[l] += (b - a) / Math.max(a, b);
    }
  }
  let l = 0;
  return labellings.map((x) => (x.k < 2 ? null : totals[l++] / n));
}

/** Mean silhouette s(i) = (b − a)/max(a, b) over the points (Euclidean distances); null when k < 2. */
export function silhouette(data: readonly number[][], labels: ArrayLike<number>, k: number): number | null {
  return silhouettes(data, [{ labels, k }])[0];
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
  for (let k = kMin; k <= hi; k++) fits.push(kmeans(data, k, opts));
  // every k's silhouette from one pass over the subsample's pairwise distances
  const sil = silhouettes(sub, fits.map((fit) => ({ labels: Array.from(idx.subarray(0, m), (i) => fit.labels[i]), k: fit.k })));
  const scores: KChoice['scores'] = fits.map((fit, j) => {
    const sizes = new Float64Array(fit.k);
    for (const l of fit.labels) sizes[l]++;
    return { k: fit.k, silhouette: sil[j], inertia: fit.inertia, bic: kmeansBic(data.length, data[0].length, sizes, fit.inertia) };
  });
  const top = Math.max(...scores.map((x) => x.silhouette ?? -Infinity));
  const tol = opts.tolerance ?? 0;
  let pick = 0;
  scores.forEach((x, i) => { if (x.silhouette !== null && x.silhouette >= top - tol * Math.abs(top)) pick = i; });
  return { k: scores[pick].k, fit: fits[pick], scores };
}
