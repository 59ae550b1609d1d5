/**
 * The maximum-likelihood driver every CLV model shares: BFGS on φ = log θ (so positive parameters
 * need no bounds), minimising the MEAN negative log-likelihood per customer (so tolerances do not
 * depend on the sample size), several starts, and standard errors from the observed information.
 *
 * SE: the Hessian of −LL in φ (analytic when the model gives one, else by forward differences of
 * the exact gradient); at the optimum (∇ = 0) H_θ = D⁻¹ H_φ D⁻¹ with D = diag(θ), so
 * SE(θ_i) = θ_i · SE(φ_i) (delta method).
 *
 * With a screening subsample and an analytic Hessian, the polish on the full data is Newton's
 * method from the screened optimum: a few passes over the data (quadratic convergence), and the
 * last pass's Hessian is the one the standard errors need.
 */
import { ConvergenceError } from '../numeric/errors.js';
import {
  bfgs, hessianFromGradient, multiStart, newton, standardErrorsFromHessian, type MinimizeResult, type Objective, type ObjectiveWithHessian,
} from '../numeric/optimize.js';
import type { FitOptions } from './types.js';

/** Total log-likelihood at θ; when grad is given, writes ∂LL/∂θ into it. */
export type LogLikelihood = (theta: Float64Array, grad: Float64Array | null) => number;
/** Total log-likelihood at θ, writing ∂LL/∂θ into grad and the row-major ∂²LL/∂θ∂θᵀ into hess. */
export type LogLikelihoodHessian = (theta: Float64Array, grad: Float64Array, hess: Float64Array) => number;

export interface MlProblem<N extends string> {
  what: string;
  names: readonly N[];
  ll: LogLikelihood;
  customers: number;
  /** Default starts (natural parameters). */
  starts: readonly (readonly number[])[];
  /** A cheaper likelihood on a subsample for screening starts (used only when provided). */
  screen?: { ll: LogLikelihood; customers: number; hessian?: LogLikelihoodHessian };
  /** The likelihood with its analytic Hessian (optional): Newton polish and exact standard errors. */
  hessian?: LogLikelihoodHessian;
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

/**
 * −LL(θ)/scale in φ = log θ with its gradient and Hessian:
 * ∂/∂φ_i = −θ_i g_i / scale, ∂²/∂φ_i∂φ_j = −(θ_i θ_j H_ij + δ_ij θ_i g_i) / scale.
 */
function objectiveWithHessian(llh: LogLikelihoodHessian, scale: number, n: number): ObjectiveWithHessian {
  const theta = new Float64Array(n), g = new Float64Array(n), H = new Float64Array(n * n);
  return (phi, grad, hess) => {
    for (let i = 0; i < n; i++) theta[i] = Math.exp(phi[i]);
    const v = llh(theta, g, H);
    for (let i = 0; i < n; i++) {
      grad[i] = (-theta[i] * g[i]) / scale;
      for (let j = 0; j < n; j++) hess[i * n + j] = (-theta[i] * theta[j] * H[i * n + j]) / scale;
      hess[i * n + i] -= (theta[i] * g[i]) / scale;
    }
    return -v / scale;
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
  /** ∇²(−LL) in φ at the returned optimum, when a Newton polish computed it. */
  let finalHessianPhi: Float64Array | null = null;
  try {
    const polished = problem.screen ? screenAndPolish(problem, starts, bfgsOptions, full) : null;
    if (polished) {
      ({ best, iterations, hessianPhi: finalHessianPhi } = polished);
    } else {
      // No screening, or it failed (no start converged on the subsample, or the polish did not
      // converge): every start on the full data.
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
  let sePhi: Float64Array;
  try {
    if (!finalHessianPhi && problem.hessian) {
      // One analytic pass at the optimum.
      finalHessianPhi = new Float64Array(n * n);
      objectiveWithHessian(problem.hessian, 1, n)(best.x, new Float64Array(n), finalHessianPhi);
    }
    if (finalHessianPhi) {
      sePhi = standardErrorsFromHessian(finalHessianPhi, n, what);
    } else {
      // Forward differences of the exact gradient of −LL from the optimum, whose gradient BFGS
      // already has (best.grad is that of the mean; × customers gives the total): n gradients,
      // relative error ~1e-6.
      const H = hessianFromGradient(objective(ll, 1, n), best.x, 1e-6, 'forward', Float64Array.from(best.grad, (g) => g * customers));
      sePhi = standardErrorsFromHessian(H, n, what);
    }
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
 * Ranks the starts on the screening subsample and polishes the best on the full data (Newton with
 * the analytic Hessian when there is one, else BFGS seeded with the screen's inverse Hessian).
 * Null when the screen finds no converged start or the polish does not converge.
 */
function screenAndPolish<N extends string>(
  problem: MlProblem<N>, starts: number[][], bfgsOptions: { gradTol?: number }, full: Objective,
): { best: MinimizeResult; iterations: number; hessianPhi: Float64Array | null } | null {
  const screen = problem.screen!;
  const n = problem.names.length, customers = problem.customers;
  // The screen only ranks the starts and hands the best point to the polish, so it stops at a
  // looser gradient.
  const screenOptions = { ...bfgsOptions, gradTol: Math.max(bfgsOptions.gradTol ?? 1e-8, 1e-5) };
  const screenFn = objective(screen.ll, screen.customers, n);
  const screenH = screen.hessian;
  // With a Hessian, Newton from each start (BFGS takes over where it does not converge): fewer
  // passes, and the likelihood's Hessian code is warm for the polish.
  const local = screenH
    ? (x0: ArrayLike<number>): MinimizeResult => {
      const nt = newton(objectiveWithHessian(screenH, screen.customers, n), x0, screenOptions);
      return nt.converged ? nt : bfgs(screenFn, Number.isFinite(nt.f) ? nt.x : x0, screenOptions);
    }
    : undefined;
  let screened: MinimizeResult;
  try {
    screened = multiStart(screenFn, starts, screenOptions, `${problem.what} (screening)`, local);
  } catch (e) {
    if (e instanceof ConvergenceError) return null;
    throw e;
  }
  if (problem.hessian) {
    const nt = newton(objectiveWithHessian(problem.hessian, customers, n), screened.x, bfgsOptions);
    // The Newton pass at the optimum already has the Hessian (of the mean; × customers = total).
    if (nt.converged) return { best: nt, iterations: screened.iterations + nt.iterations, hessianPhi: Float64Array.from(nt.hessian, (h) => h * customers) };
  }
  const polished = bfgs(full, screened.x, { ...bfgsOptions, initialInverseHessian: screened.inverseHessian });
  return polished.converged ? { best: polished, iterations: screened.iterations + polished.iterations, hessianPhi: null } : null;
}
