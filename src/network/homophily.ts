/**
 * Homophily on a numeric node attribute: are connected customers more alike than random pairs?
 *
 * - edgeMeanAbsDiff: mean |x_u − x_v| over directed edges whose two ends both have a value;
 * - randomPairMeanAbsDiff: the same over all ordered pairs of distinct valued nodes, computed exactly
 *   from the sorted values (Gini mean difference: Σ_k (2k − n − 1) x_(k) · 2 / (n(n−1)));
 * - assortativity: Pearson correlation of (x_u, x_v) across those edges (Newman 2003, "Mixing patterns
 *   in networks", Phys. Rev. E 67, 026126, §III for scalar attributes);
 * - pValue: one-sided node-label permutation test (the graph stays fixed, values are shuffled among
 *   valued nodes with a seeded Rng): p = (1 + #{T_perm ≤ T_obs}) / (1 + B), T = edgeMeanAbsDiff,
 *   so a small p means neighbours are more similar than chance.
 */
import { createRng, shuffle, type Rng } from '../models/numeric/random.js';
import { InvalidArgumentsError } from './errors.js';

export interface HomophilyOptions {
  permutations: number;
  rng: Rng;
}

export const HOMOPHILY_DEFAULTS = { permutations: 999 };

export interface HomophilyStats {
  nodesWithValue: number;
  edgesUsed: number;
  edgeMeanAbsDiff: number | null;
  randomPairMeanAbsDiff: number | null;
  /** edgeMeanAbsDiff / randomPairMeanAbsDiff: below 1 means neighbours are more alike. */
  ratio: number | null;
  assortativity: number | null;
  permutations: number;
  pValue: number | null;
  /** Mean and SD of the permutation distribution of edgeMeanAbsDiff. */
  permutationMean: number | null;
  permutationSd: number | null;
}

/**
 * @param value one entry per node; NaN = no value (the node and its edges are left out).
 */
export function homophily(
  src: Int32Array,
  dst: Int32Array,
  value: Float64Array,
  options: Partial<HomophilyOptions> = {},
): HomophilyStats {
  const permutations = options.permutations ?? HOMOPHILY_DEFAULTS.permutations;
  const rng = options.rng ?? createRng(42);
  if (!(Number.isInteger(permutations) && permutations >= 0)) {
    throw new InvalidArgumentsError(`homophily: permutations must be an integer >= 0, got ${permutations}`);
  }
  if (src.length !== dst.length) throw new InvalidArgumentsError('homophily: src and dst differ in length');
  // Compact the valued nodes: pos[node] = index into vals, or −1.
  const pos = new Int32Array(value.length).fill(-1);
  const valsList: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!Number.isNaN(value[i])) {
      if (!Number.isFinite(value[i])) throw new InvalidArgumentsError(`homophily: value of node ${i} is ${value[i]}`);
      pos[i] = valsList.length;
      valsList.push(value[i]);
    }
  }
  const vals = Float64Array.from(valsList);
  let used = 0;
  for (let e = 0; e < src.length; e++) if (pos[src[e]] >= 0 && pos[dst[e]] >= 0 && src[e] !== dst[e]) used++;
  const a = new Int32Array(used);
  const b = new Int32Array(used);
  used = 0;
  for (let e = 0; e < src.length; e++) {
    const pa = pos[src[e]];
    const pb = pos[dst[e]];
    if (pa >= 0 && pb >= 0 && src[e] !== dst[e]) {
      a[used] = pa;
      b[used++] = pb;
    }
  }
  const nv = vals.length;
  const randomPair = nv >= 2 ? giniMeanDifference(vals) : null;
  const empty: HomophilyStats = {
    nodesWithValue: nv,
    edgesUsed: used,
    edgeMeanAbsDiff: null,
    randomPairMeanAbsDiff: randomPair,
    ratio: null,
    assortativity: null,
    permutations: 0,
    pValue: null,
    permutationMean: null,
    permutationSd: null,
  };
  if (used === 0 || nv < 2) return empty;
  const observed = meanAbsDiff(a, b, vals);
  let le = 0;
  let s1 = 0;
  let s2 = 0;
  if (permutations > 0) {
    const perm = Float64Array.from(vals);
    for (let r = 0; r < permutations; r++) {
      shuffle(rng, perm);
      const t = meanAbsDiff(a, b, perm);
      if (t <= observed) le++;
      s1 += t;
      s2 += t * t;
    }
  }
  const pm = permutations > 0 ? s1 / permutations : null;
  const psd = permutations > 1 && pm !== null ? Math.sqrt(Math.max(0, (s2 - permutations * pm * pm) / (permutations - 1))) : null;
  return {
    ...empty,
    edgeMeanAbsDiff: observed,
    ratio: randomPair !== null && randomPair > 0 ? observed / randomPair : null,
    assortativity: pearson(a, b, vals),
    permutations,
    pValue: permutations > 0 ? (1 + le) / (1 + permutations) : null,
    permutationMean: pm,
    permutationSd: psd,
  };
}

function meanAbsDiff(a: Int32Array, b: Int32Array, v: Float64Array): number {
  let s = 0;
  for (let e = 0; e < a.length; e++) s += Math.abs(v[a[e]] - v[b[e]]);
  return s / a.length;
}

/** Mean |x_i − x_j| over ordered pairs i ≠ j, exactly, in O(n log n). */
export function giniMeanDifference(values: Float64Array): number {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  let s = 0;
  for (let k = 0; k < n; k++) s += (2 * (k + 1) - n - 1) * x[k];
  return (2 * s) / (n * (n - 1));
}

function pearson(a: Int32Array, b: Int32Array, v: Float64Array): number | null {
  const m = a.length;
  let ma = 0;
  let mb = 0;
  for (let e = 0; e < m; e++) {
    ma += v[a[e]];
    mb += v[b[e]];
  }
  ma /= m;
  mb /= m;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let e = 0; e < m; e++) {
    const da = v[a[e]] - ma;
    const db = v[b[e]] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return null;
  return sab / Math.sqrt(saa * sbb);
}
