/**
 * Draws a Gaussian VAR(p) y_t = c + Σ_l A_l y_{t−l} + u_t, u_t ~ N(0, Σ), for ground-truth tests and the
 * simulator. A burn-in from y = 0 removes the start-up transient. Also computes the true impulse
 * responses so a test can check the bands cover them.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { normal, type Rng } from '../numeric/random.js';
import { InvalidArgumentsError } from './errors.js';

export interface VarParameters {
  intercept: readonly number[];
  /** lags[l][i][j]: coefficient of y_j at lag l+1 in equation i. */
  lags: readonly (readonly (readonly number[])[])[];
  sigma: readonly (readonly number[])[];
}

/** T observations of each variable (series[i][t]). */
export function simulateVar(params: VarParameters, T: number, rng: Rng, burnIn = 200): Float64Array[] {
  const k = params.intercept.length;
  const p = params.lags.length;
  if (!(Number.isInteger(T) && T >= 1)) throw new InvalidArgumentsError(`simulateVar: T must be an integer >= 1, got ${T}`);
  const chol = new CholeskyDecomposition(new Matrix(params.sigma.map((r) => [...r])));
  if (!chol.isPositiveDefinite()) throw new InvalidArgumentsError('simulateVar: sigma must be positive definite');
  const L = chol.lowerTriangularMatrix;
  const total = T + burnIn;
  const y = Array.from({ length: k }, () => new Float64Array(total));
  const z = new Float64Array(k);
  for (let t = 0; t < total; t++) {
    for (let i = 0; i < k; i++) z[i] = normal(rng);
    for (let i = 0; i < k; i++) {
      let v = params.intercept[i];
      for (let r = 0; r <= i; r++) v += L.get(i, r) * z[r];
      for (let l = 1; l <= p && t - l >= 0; l++) for (let j = 0; j < k; j++) v += params.lags[l - 1][i][j] * y[j][t - l];
      y[i][t] = v;
    }
  }
  return y.map((s) => s.slice(burnIn));
}
