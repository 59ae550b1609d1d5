/**
 * Multivariate least squares Y = X B + U by Householder QR (ml-matrix), the workhorse of the VAR.
 * QR rather than the normal equations because lagged levels are strongly collinear and X'X squares
 * the condition number. Rank deficiency is detected with a relative tolerance on R's diagonal
 * (ml-matrix itself only rejects an exact zero), and reported as `null`, not thrown: a singular
 * design is a property of the data, which the caller turns into a status.
 */
import { Matrix, QrDecomposition, inverse } from 'ml-matrix';

export interface OlsFit {
  /** m × k coefficients, column i = equation i. */
  coef: Matrix;
  /** n × k residuals. */
  residuals: Matrix;
  /** Residual sum of squares per equation. */
  rss: Float64Array;
  /** (X'X)^{-1}, m × m. */
  xtxInverse: Matrix;
  /** n − m. */
  dfResidual: number;
}

export const OLS_RANK_TOLERANCE = 1e-9;

/** Least squares for every column of Y on the same X; null when X is (numerically) rank deficient or n ≤ m. */
export function olsMulti(X: Matrix, Y: Matrix, withInverse = true): OlsFit | null {
  const n = X.rows;
  const m = X.columns;
  if (n <= m) return null;
  const qr = new QrDecomposition(X);
  const R = qr.upperTriangularMatrix;
  for (let j = 0; j < m; j++) {
    let norm = 0;
    for (let i = 0; i < n; i++) norm += X.get(i, j) ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0 || Math.abs(R.get(j, j)) <= OLS_RANK_TOLERANCE * norm) return null;
  }
  const coef = qr.solve(Y);
  const residuals = Y.clone().sub(X.mmul(coef));
  const k = Y.columns;
  const rss = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) rss[c] += residuals.get(i, c) ** 2;
  let xtxInverse: Matrix;
  if (withInverse) {
    const Rinv = inverse(R);
    xtxInverse = Rinv.mmul(Rinv.transpose());
  } else {
    xtxInverse = new Matrix(0, 0);
  }
  return { coef, residuals, rss, xtxInverse, dfResidual: n - m };
}
