/**
 * PageRank on a CSR adjacency.
 *
 * [Reference] Page, Brin, Motwani & Winograd (1999), "The PageRank citation ranking: bringing order
 * to the Web", Stanford InfoLab 1999-66: x = α Pᵀx + (1−α)/N · 1, with P the row-normalised (here
 * weight-normalised) adjacency and the mass of dangling nodes (no out-edges) spread uniformly, as
 * graphology-metrics/centrality/pagerank does.
 *
 * graphology-metrics computes the same thing on a graphology Graph; this version runs on typed arrays
 * so a 1M-node / 5M-edge graph needs no graphology objects. Convergence is tested on the L1 change of
 * the whole vector (it sums to 1), not graphology's N·tolerance, which at N = 10⁶ would accept a change
 * of 1 — i.e. anything.
 */
import type { Csr } from './csr.js';
import { rowLengths, rowWeights, transpose } from './csr.js';
import { ConvergenceError, InvalidArgumentsError } from './errors.js';

export interface PageRankOptions {
  /** Damping: probability of following an edge rather than teleporting. */
  alpha: number;
  /** Stop when the L1 change between iterations is below this. */
  tolerance: number;
  maxIterations: number;
  /** Use edge weights (event counts); false: every edge weighs 1. */
  weighted: boolean;
}

export const PAGERANK_DEFAULTS: PageRankOptions = {
  alpha: 0.85,
  tolerance: 1e-9,
  maxIterations: 500,
  weighted: true,
};

export interface PageRankResult {
  /** Scores summing to 1 (for a non-empty graph). */
  scores: Float64Array;
  iterations: number;
  /** L1 change of the last iteration. */
  residual: number;
}

export function pagerank(out: Csr, options: Partial<PageRankOptions> = {}, inc: Csr = transpose(out)): PageRankResult {
  const o = { ...PAGERANK_DEFAULTS, ...options };
  if (!(o.alpha > 0 && o.alpha < 1)) throw new InvalidArgumentsError(`pagerank: alpha must be in (0,1), got ${o.alpha}`);
  if (!(o.tolerance > 0)) throw new InvalidArgumentsError(`pagerank: tolerance must be > 0, got ${o.tolerance}`);
  if (!(Number.isInteger(o.maxIterations) && o.maxIterations >= 1)) {
    throw new InvalidArgumentsError(`pagerank: maxIterations must be an integer >= 1, got ${o.maxIterations}`);
  }
  const n = out.n;
  if (inc.n !== n || inc.targets.length !== out.targets.length) throw new InvalidArgumentsError('pagerank: inc is not the transpose of out');
  if (n === 0) return { scores: new Float64Array(0), iterations: 0, residual: 0 };
  const alpha = o.alpha;
  const outW = o.weighted ? rowWeights(out) : Float64Array.from(rowLengths(out));
  const { offsets, targets, weights } = inc;
  let x = new Float64Array(n).fill(1 / n);
  let y = new Float64Array(n);
  const share = new Float64Array(n); // x[u] / out-weight of u: what u passes along each unit of weight
  let residual = Infinity;
  for (let it = 1; it <= o.maxIterations; it++) {
    let dangleSum = 0;
    for (let u = 0; u < n; u++) {
      const d = outW[u];
      if (d === 0) {
        dangleSum += x[u];
        share[u] = 0;
      } else share[u] = x[u] / d;
    }
    const base = (1 - alpha) / n + (alpha * dangleSum) / n;
    residual = 0;
    // Pull: each node gathers from its in-neighbours. Independent random reads pipeline better
    // than the push form's scattered read-modify-writes (measured ~10 % faster at 1M/5M).
    for (let v = 0; v < n; v++) {
      let s = 0;
      const hi = offsets[v + 1];
      if (o.weighted) {
        for (let p = offsets[v]; p < hi; p++) s += share[targets[p]] * weights[p];
      } else {
        for (let p = offsets[v]; p < hi; p++) s += share[targets[p]];
      }
      const nv = base + alpha * s;
      residual += Math.abs(nv - x[v]);
      y[v] = nv;
    }
    const t = x;
    x = y;
    y = t;
    if (residual < o.tolerance) return { scores: x, iterations: it, residual };
  }
  throw new ConvergenceError(
    `pagerank: no convergence in ${o.maxIterations} iterations (L1 change ${residual.toExponential(3)} > tolerance ${o.tolerance})`,
    o.maxIterations,
    residual,
  );
}
