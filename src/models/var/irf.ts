/**
 * Impulse responses of a VAR(p) y_t = c + Σ_l A_l y_{t−l} + u_t, Cov(u) = Σ (Lütkepohl 2005, §2.3).
 *
 * MA coefficients: Φ_0 = I, Φ_h = Σ_{l=1}^{min(h,p)} Φ_{h−l} A_l  (Lütkepohl eq. 2.1.22).
 * Orthogonalised: Θ_h = Φ_h P with Σ = P P' (lower Cholesky; depends on the variable order).
 * Generalized (Pesaran & Shin 1998, eq. 10): ψ_h(j) = Φ_h Σ e_j / √σ_jj — invariant to the order,
 * the form Trusov, Bucklin & Pauwels (2009) use.
 * `scale: 'one-sd'` is a shock of one residual standard deviation; `'unit'` rescales it so the
 * impulse variable itself moves by 1 on impact — with variables in logs the unit response is an elasticity.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

export type IrfKind = 'generalized' | 'orthogonalized';
export type IrfScale = 'one-sd' | 'unit';

/** Index of response i to impulse j at horizon h in a flat IRF array. */
export function irfIndex(k: number, h: number, i: number, j: number): number {
  return (h * k + i) * k + j;
}

/** Φ_0..Φ_H flattened: Φ_h[i][j] at (h·k + i)·k + j. `A[l][i][j]` is the lag-(l+1) coefficient of y_j in equation i. */
export function maCoefficients(A: readonly (readonly (readonly number[])[])[], horizon: number, k: number): Float64Array {
  const p = A.length;
  const phi = new Float64Array((horizon + 1) * k * k);
  for (let i = 0; i < k; i++) phi[irfIndex(k, 0, i, i)] = 1;
  for (let h = 1; h <= horizon; h++) {
    for (let l = 1; l <= Math.min(h, p); l++) {
      const Al = A[l - 1];
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let r = 0; r < k; r++) s += phi[irfIndex(k, h - l, i, r)] * Al[r][j];
          phi[irfIndex(k, h, i, j)] += s;
        }
      }
    }
  }
  return phi;
}

/**
 * Impulse responses, flattened like maCoefficients. Returns null when Σ is not positive definite
 * (orthogonalised) or has a zero variance (generalized).
 */
export function impulseResponses(
  A: readonly (readonly (readonly number[])[])[],
  sigma: readonly (readonly number[])[],
  horizon: number,
  kind: IrfKind,
  scale: IrfScale,
): Float64Array | null {
  const k = sigma.length;
  const phi = maCoefficients(A, horizon, k);
  // impact matrix: column j = the impact vector of a shock to variable j
  const impact: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  if (kind === 'generalized') {
    for (let j = 0; j < k; j++) {
      const sjj = sigma[j][j];
      if (!(sjj > 0)) return null;
      const div = scale === 'unit' ? sjj : Math.sqrt(sjj);
      for (let i = 0; i < k; i++) impact[i][j] = sigma[i][j] / div;
    }
  } else {
    const chol = new CholeskyDecomposition(new Matrix(sigma.map((r) => [...r])));
    if (!chol.isPositiveDefinite()) return null;
    const P = chol.lowerTriangularMatrix;
    for (let j = 0; j < k; j++) {
      const div = scale === 'unit' ? P.get(j, j) : 1;
      for (let i = 0; i < k; i++) impact[i][j] = P.get(i, j) / div;
    }
  }
  const out = new Float64Array(phi.length);
  for (let h = 0; h <= horizon; h++) {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let r = 0; r < k; r++) s += phi[irfIndex(k, h, i, r)] * impact[r][j];
        out[irfIndex(k, h, i, j)] = s;
      }
    }
  }
  return out;
}
