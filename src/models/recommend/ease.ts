/**
 * EASE^R, Steck (2019), "Embarrassingly shallow autoencoders for sparse data", WWW '19, eq. (8):
 *   P = (XᵀX + λI)⁻¹,  B_ij = −P_ij / P_jj (i ≠ j),  B_jj = 0,
 * so a customer's score for item j is Σ_i x_ui B_ij. The Gram matrix XᵀX comes from SQL (item-pair
 * co-occurrence counts over the items kept by a popularity cut); the solve is a dense Cholesky
 * inverse (O(n³), fine for a few thousand items). The result is pruned to each item's top
 * positive neighbours so scoring can run as a join in the store.
 */
import { invertSpd } from '../numeric/optimize.js';
import { InvalidArgumentsError } from '../numeric/errors.js';

export const EASE_DEFAULTS = {
  /** L2 penalty; null = the mean of diag(XᵀX) (the paper tunes λ near the mean item popularity). */
  lambda: null as number | null,
  /** Neighbours kept per item after the solve. */
  neighbours: 50,
  /** Largest item count the dense solve accepts. */
  maxItems: 5000,
};

export interface ItemWeights {
  /** Source item index (into the Gram matrix's item order). */
  from: Int32Array;
  /** Target item index. */
  to: Int32Array;
  weight: Float64Array;
}

/** The dense EASE weight matrix B (row-major n×n) from the Gram matrix G = XᵀX (row-major n×n). */
export function easeWeights(gram: Float64Array, n: number, lambda?: number | null): { B: Float64Array; lambda: number } {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentsError(`ease: item count must be a positive integer, got ${n}`);
  if (n > EASE_DEFAULTS.maxItems) throw new InvalidArgumentsError(`ease: ${n} items exceed the dense solve's limit of ${EASE_DEFAULTS.maxItems}; cut by popularity first`);
  if (gram.length !== n * n) throw new InvalidArgumentsError(`ease: Gram matrix has ${gram.length} entries, expected ${n * n}`);
  let diag = 0;
  for (let i = 0; i < n; i++) {
    const g = gram[i * n + i];
    if (!(g >= 0)) throw new InvalidArgumentsError(`ease: diagonal entry ${i} of XᵀX is ${g}, expected a count >= 0`);
    diag += g;
  }
  const lam = lambda ?? Math.max(1, diag / n);
  if (!(lam > 0)) throw new InvalidArgumentsError(`ease: lambda must be > 0, got ${lam}`);
  const A = Float64Array.from(gram);
  for (let i = 0; i < n; i++) A[i * n + i] += lam;
  const P = invertSpd(A, n);
  if (!P) throw new InvalidArgumentsError('ease: XᵀX + λI is not positive definite (the Gram matrix is not symmetric or has negative entries)');
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j) B[i * n + j] = -P[i * n + j] / P[j * n + j];
  }
  return { B, lambda: lam };
}

/** Keeps each row's `neighbours` largest positive weights (ties by lower index). */
export function pruneRows(B: Float64Array, n: number, neighbours = EASE_DEFAULTS.neighbours): ItemWeights {
  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) if (B[i * n + j] > 0) idx[m++] = j;
    const row = Array.from(idx.subarray(0, m)).sort((a, b) => B[i * n + b] - B[i * n + a] || a - b).slice(0, neighbours);
    for (const j of row) {
      from.push(i);
      to.push(j);
      weight.push(B[i * n + j]);
    }
  }
  return { from: Int32Array.from(from), to: Int32Array.from(to), weight: Float64Array.from(weight) };
}
