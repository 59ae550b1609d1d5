/**
 * Multinomial logistic regression (softmax regression) with an L2 penalty, fitted by L-BFGS
 * (Nocedal & Wright 2006, algorithm 7.4 with a backtracking Armijo line search).
 *
 * Minimises  (1/n) Σ_i −log p(y_i | x_i) + (λ/2) Σ_k Σ_j c_j w_kj²,  p(k|x) = exp(b_k + w_k·x) / Σ_j exp(b_j + w_j·x).
 * with c_j a per-feature penalty multiplier (default 1). Biases are not penalised. Inputs are sparse rows (index, value) so a vocabulary of thousands of
 * terms costs only the terms a text contains. The objective is strictly convex, so the optimum is
 * unique and the fit is deterministic; it throws when the gradient does not vanish.
 */
import { InvalidArgumentsError } from './metrics.js';

export interface SparseRow {
  index: Int32Array;
  value: Float64Array;
}

export interface SoftmaxModel {
  classes: number;
  features: number;
  /** weights[k * features + j] */
  weights: Float64Array;
  bias: Float64Array;
}

export interface SoftmaxOptions {
  l2: number;
  maxIterations: number;
  /** Converged when the largest absolute gradient entry is below this. */
  tolerance: number;
  /** L-BFGS memory. */
  memory: number;
  /** Per-feature multipliers of l2 (length = features); default all 1. */
  featurePenalty?: ArrayLike<number>;
}

export const DEFAULTS: SoftmaxOptions = { l2: 1e-3, maxIterations: 2000, tolerance: 1e-6, memory: 10 };

export class ConvergenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConvergenceError';
  }
}

/** Class probabilities for one row, written into `out`. */
export function predictProba(m: SoftmaxModel, row: SparseRow, out = new Float64Array(m.classes)): Float64Array {
  logits(m.weights, m.bias, m.classes, m.features, row, out);
  softmaxInPlace(out);
  return out;
}

function logits(w: Float64Array, b: Float64Array, K: number, d: number, row: SparseRow, out: Float64Array): void {
  for (let k = 0; k < K; k++) {
    let z = b[k];
    const off = k * d;
    for (let t = 0; t < row.index.length; t++) z += w[off + row.index[t]] * row.value[t];
    out[k] = z;
  }
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < z.length; k++) if (z[k] > max) max = z[k];
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k] - max);
    sum += z[k];
  }
  for (let k = 0; k < z.length; k++) z[k] /= sum;
}

export function fitSoftmax(
  rows: readonly SparseRow[],
  y: ArrayLike<number>,
  classes: number,
  features: number,
  options: Partial<SoftmaxOptions> = {},
): SoftmaxModel {
  const o = { ...DEFAULTS, ...options };
  const n = rows.length;
  if (n === 0) throw new InvalidArgumentsError('softmax: no training rows');
  if (y.length !== n) throw new InvalidArgumentsError(`softmax: ${n} rows but ${y.length} labels`);
  if (!(o.l2 > 0)) throw new InvalidArgumentsError('softmax: l2 must be > 0 (it keeps the optimum unique)');
  for (let i = 0; i < n; i++) {
    if (!(y[i] >= 0 && y[i] < classes && Number.isInteger(y[i]))) throw new InvalidArgumentsError(`softmax: label ${y[i]} of row ${i} is not in 0..${classes - 1}`);
    for (const j of rows[i].index) if (j < 0 || j >= features) throw new InvalidArgumentsError(`softmax: feature ${j} of row ${i} is not in 0..${features - 1}`);
  }
  const K = classes;
  const d = features;
  const P = K * d + K; // parameters: weights then biases
  const c = new Float64Array(d).fill(1);
  if (o.featurePenalty) {
    if (o.featurePenalty.length !== d) throw new InvalidArgumentsError(`softmax: featurePenalty has ${o.featurePenalty.length} entries, expected ${d}`);
    for (let j = 0; j < d; j++) {
      if (!(o.featurePenalty[j] >= 0)) throw new InvalidArgumentsError(`softmax: featurePenalty[${j}] must be ≥ 0`);
      c[j] = o.featurePenalty[j];
    }
  }
  const z = new Float64Array(K);

  const objective = (theta: Float64Array, grad: Float64Array): number => {
    const w = theta.subarray(0, K * d);
    const b = theta.subarray(K * d);
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      logits(w, b, K, d, row, z);
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
      const logSum = max + Math.log(sum);
      loss += logSum - z[y[i]];
      for (let k = 0; k < K; k++) {
        const r = Math.exp(z[k] - logSum) - (k === y[i] ? 1 : 0);
        const off = k * d;
        for (let t = 0; t < row.index.length; t++) grad[off + row.index[t]] += r * row.value[t];
        grad[K * d + k] += r;
      }
    }
    loss /= n;
    let penalty = 0;
    for (let j = 0; j < P; j++) grad[j] /= n;
    for (let j = 0; j < K * d; j++) {
      const cj = c[j % d];
      penalty += cj * theta[j] * theta[j];
      grad[j] += o.l2 * cj * theta[j];
    }
    return loss + 0.5 * o.l2 * penalty;
  };

  const theta = lbfgs(objective, new Float64Array(P), o);
  return { classes: K, features: d, weights: theta.slice(0, K * d), bias: theta.slice(K * d) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function lbfgs(
  f: (x: Float64Array, g: Float64Array) => number,
  x0: Float64Array,
  o: SoftmaxOptions,
): Float64Array {
  const P = x0.length;
  let x = x0;
  let g = new Float64Array(P);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(P);
  const alpha = new Float64Array(o.memory);
  for (let iter = 0; iter < o.maxIterations; iter++) {
    if (maxAbs(g) < o.tolerance) return x;
    // Two-loop recursion: dir = −H g.
    dir.set(g);
    for (let m = S.length - 1; m >= 0; m--) {
      alpha[m] = rho[m] * dot(S[m], dir);
      for (let j = 0; j < P; j++) dir[j] -= alpha[m] * Y[m][j];
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, maxAbs(g));
    for (let j = 0; j < P; j++) dir[j] *= gamma;
    for (let m = 0; m < S.length; m++) {
      const beta = rho[m] * dot(Y[m], dir);
      for (let j = 0; j < P; j++) dir[j] += S[m][j] * (alpha[m] - beta);
    }
    for (let j = 0; j < P; j++) dir[j] = -dir[j];
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (should not happen on a convex objective): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < P; j++) dir[j] = -g[j];
      slope = dot(g, dir);
    }
    let step = 1;
    const xNew = new Float64Array(P);
    const gNew = new Float64Array(P);
    let fNew = Infinity;
    for (let ls = 0; ls < 60; ls++) {
      for (let j = 0; j < P; j++) xNew[j] = x[j] + step * dir[j];
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx + 1e-4 * step * slope)) throw new ConvergenceError(`softmax: line search failed at iteration ${iter} (loss ${fx})`);
    const s = new Float64Array(P);
    const yv = new Float64Array(P);
    for (let j = 0; j < P; j++) {
      s[j] = xNew[j] - x[j];
      yv[j] = gNew[j] - g[j];
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (S.length === o.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    x = xNew;
    g = gNew;
    fx = fNew;
  }
  if (maxAbs(g) < o.tolerance) return x;
  throw new ConvergenceError(`softmax: no convergence in ${o.maxIterations} iterations (max |gradient| ${maxAbs(g).toExponential(2)})`);
}
