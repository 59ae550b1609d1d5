/**
 * The maximum-likelihood driver every CLV model shares: BFGS on φ = log θ (so positive parameters
 * need no bounds), minimising the MEAN negative log-likelihood per customer (so tolerances do not
 * depend on the sample size), several starts, and standard errors from the observed information.
 *
 * SE: the Hessian of −LL in φ by central differences of the exact gradient; at the optimum
 * (∇ = 0) H_θ = D⁻¹ H_φ D⁻¹ with D = diag(θ), so SE(θ_i) = θ_i · SE(φ_i) (delta method).
 */
import { ConvergenceError } from '../numeric/errors.js';
import { bfgs, invertSpd, multiStart, type MinimizeResult, type Objective } from '../numeric/optimize.js';
import type { FitOptions } from './types.js';

/** Total log-likelihood at θ; when grad is given, writes ∂LL/∂θ into it. */
export type LogLikelihood = (theta: Float64Array, grad: Float64Array | null) => number;

export interface MlProblem<N extends string> {
  what: string;
  names: readonly N[];
  ll: LogLikelihood;
  customers: number;
  /** Default starts (natural parameters). */
  starts: readonly (readonly number[])[];
  /** A cheaper likelihood on a subsample for screening starts (used only when provided). */
  screen?: { ll: LogLikelihood; customers: number };
}

export interface MlFit<N extends string> {
  params: Record<N, number>;
  stdErrors: Record<N, number>;
  logLikelihood: number;
  converged: boolean;
  iterations: number;
}

function objective(ll: LogLikelihood, customers: number, n: number): Objective {
  const theta = new Float64Array(n), g = new Float64Array(n);
  return (phi, grad) => {
    for (let i = 0; i < n; i++) theta[i] = Math.exp(phi[i]);
    const v = ll(theta, g);
    for (let i = 0; i < n; i++) grad[i] = (-theta[i] * g[i]) / customers;
    return -v / customers;
  };
}

function record<N extends string>(names: readonly N[], v: ArrayLike<number>): Record<N, number> {
  const out = {} as Record<N, number>;
  names.forEach((name, i) => (out[name] = v[i]));
  return out;
}

export function fitMaximumLikelihood<N extends string>(problem: MlProblem<N>, options: FitOptions = {}): MlFit<N> {
  const { what, names, ll, customers } = problem;
  const n = names.length;
  const starts = (options.starts ?? problem.starts).map((s) => {
    if (s.length !== n) throw new ConvergenceError(`${what}: a start needs ${n} values (${names.join(', ')})`, 0, NaN);
    return s.map((v) => Math.log(v));
  });
  const bfgsOptions = options.gradTol !== undefined ? { gradTol: options.gradTol } : {};
  const full = objective(ll, customers, n);
  let best: MinimizeResult;
  let iterations = 0;
  try {
    if (problem.screen) {
      // The screen only ranks the starts and hands the best point (with its inverse Hessian) to the
      // polish on the full data, so it stops at a looser gradient.
      const screenOptions = { ...bfgsOptions, gradTol: Math.max(bfgsOptions.gradTol ?? 1e-8, 1e-5) };
      const screened = multiStart(objective(problem.screen.ll, problem.screen.customers, n), starts, screenOptions, `${what} (screening)`);
      const polished = bfgs(full, screened.x, { ...bfgsOptions, initialInverseHessian: screened.inverseHessian });
      if (polished.converged) {
        best = polished;
        iterations = screened.iterations + polished.iterations;
      } else {
        best = multiStart(full, starts, bfgsOptions, what);
        iterations = best.iterations;
      }
    } else {
      best = multiStart(full, starts, bfgsOptions, what);
      iterations = best.iterations;
    }
  } catch (e) {
    if (!(e instanceof ConvergenceError) || options.throwOnNonConvergence !== false) throw e;
    best = bfgs(full, starts[0], bfgsOptions);
    iterations = best.iterations;
  }
  const theta = Array.from(best.x, Math.exp);
  if (!theta.every((v) => Number.isFinite(v) && v > 0)) {
    throw new ConvergenceError(`${what}: estimates are not finite (${theta.join(', ')})`, iterations, NaN);
  }
  const thetaArr = new Float64Array(n), g = new Float64Array(n);
  const negLlPhi: Objective = (phi, grad) => {
    for (let i = 0; i < n; i++) thetaArr[i] = Math.exp(phi[i]);
    const v = ll(thetaArr, g);
    for (let i = 0; i < n; i++) grad[i] = -thetaArr[i] * g[i];
    return -v;
  };
  // Forward differences of the exact gradient from the optimum, whose gradient BFGS already has
  // (best.grad is that of the mean; × customers gives the total): n gradients, relative error ~1e-6.
  let sePhi: Float64Array;
  try {
    sePhi = forwardStandardErrors(negLlPhi, best.x, Float64Array.from(best.grad, (g) => g * customers), what);
  } catch (e) {
    if (best.converged || !(e instanceof ConvergenceError)) throw e;
    sePhi = new Float64Array(n).fill(Infinity); // throwOnNonConvergence: false and no maximum found
  }
  // BFGS's f is the mean negative log-likelihood at best.x: no extra pass over the data.
  const logLikelihood = -best.f * customers;
  return {
    params: record(names, theta),
    stdErrors: record(names, theta.map((t, i) => t * sePhi[i])),
    logLikelihood,
    converged: best.converged,
    iterations,
  };
}

/**
 * SE(φ) from the inverse of the Hessian of −LL(φ), by forward differences of the exact gradient
 * with the gradient at x given (symmetrised). Throws a ConvergenceError when the observed
 * information is not positive definite (the data do not identify the parameters).
 */
function forwardStandardErrors(negLl: Objective, x: Float64Array, g0: Float64Array, what: string): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const xp = Float64Array.from(x), gp = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[j]));
    xp[j] = x[j] + h;
    negLl(xp, gp);
    xp[j] = x[j];
    for (let i = 0; i < n; i++) H[i * n + j] = (gp[i] - g0[i]) / h;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
  }
  const inv = invertSpd(H, n);
  if (!inv) throw new ConvergenceError(`${what}: the observed information is not positive definite at the optimum; the data do not identify the parameters`, 0, NaN);
  return Float64Array.from({ length: n }, (_, i) => Math.sqrt(inv[i * n + i]));
}
