/**
 * Quasi-Newton minimisation for the maximum-likelihood fits in models/.
 *
 * BFGS with the inverse-Hessian update and a line search that enforces the strong Wolfe
 * conditions (Nocedal & Wright 2006, Numerical Optimization, 2nd ed.: Algorithm 6.1 for BFGS,
 * eq. 6.17 for the update, eq. 6.20 for the initial scaling, Algorithms 3.5 and 3.6 for the line
 * search with cubic interpolation, eq. 3.59). The models optimise over unconstrained log-parameters,
 * so every positive parameter stays positive without bounds.
 *
 * Convergence: the largest absolute gradient component falls below `gradTol`. A run that stops
 * for any other reason reports `converged: false`; `multiStart` throws a ConvergenceError when no
 * start converged, never returning a silent wrong answer.
 */
import { ConvergenceError, InvalidArgumentsError } from './errors.js';

/** f(x), writing ∇f(x) into grad. Return a non-finite value where f is undefined. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export const BFGS_DEFAULTS = {
  /** Converged when max_i |∂f/∂x_i| <= gradTol. */
  gradTol: 1e-8,
  /** Accepted as converged if the line search can make no progress but the gradient is below this. */
  gradTolLoose: 1e-5,
  maxIterations: 500,
  /** Wolfe constants: sufficient decrease c1, curvature c2. */
  c1: 1e-4,
  c2: 0.9,
  maxLineSearch: 40,
  /** Largest first step in any coordinate (log-parameters: a factor e^maxStep). */
  maxStep: 2,
  /** |x_i| beyond this means the optimum is at infinity: stop, not converged. */
  divergenceBound: 40,
};
export type BfgsOptions = Partial<typeof BFGS_DEFAULTS> & {
  /** Row-major n×n starting inverse Hessian (e.g. from a fit on a subsample). */
  initialInverseHessian?: Float64Array;
};

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Why it stopped. */
  message: string;
  /** The final BFGS inverse-Hessian approximation (row-major n×n). */
  inverseHessian: Float64Array;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]);
    if (a > m || Number.isNaN(a)) m = a;
  }
  return m;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Minimiser of the cubic through (a, fa, ga) and (b, fb, gb), safeguarded into [lo + 0.1w, hi − 0.1w]. */
function cubicStep(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  const lo = Math.min(a, b), hi = Math.max(a, b), w = hi - lo;
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  let t = NaN;
  if (disc >= 0 && Number.isFinite(fb)) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    t = b - ((b - a) * (gb + d2 - d1)) / (gb - ga + 2 * d2);
  }
  if (!Number.isFinite(t) || t < lo + 0.1 * w || t > hi - 0.1 * w) t = lo + 0.5 * w;
  return t;
}

interface LineSearchResult {
  ok: boolean;
  step: number;
  f: number;
  evaluations: number;
}

/** Strong-Wolfe line search along p from x (Nocedal & Wright Algorithms 3.5–3.6). */
function wolfeLineSearch(
  fn: Objective, x: Float64Array, f0: number, g0: Float64Array, p: Float64Array, step0: number,
  opts: typeof BFGS_DEFAULTS, xNew: Float64Array, gNew: Float64Array,
): LineSearchResult {
  const n = x.length;
  const dg0 = dot(g0, p);
  let evaluations = 0;
  const phi = (a: number): { f: number; dg: number } => {
    for (let i = 0; i < n; i++) xNew[i] = x[i] + a * p[i];
    const f = fn(xNew, gNew);
    evaluations++;
    if (!Number.isFinite(f) || !gNew.every(Number.isFinite)) return { f: Infinity, dg: NaN };
    return { f, dg: dot(gNew, p) };
  };
  // Near a minimum the decrease c1·a·φ'(0) can be below the rounding of f (a sum over many terms),
  // so sufficient decrease cannot be checked: a point whose f is within that rounding of f0 and that
  // meets the strong curvature condition is accepted (Hager & Zhang 2005's approximate Wolfe
  // conditions), instead of bisecting on noise.
  const fTol = 1e-12 * Math.max(1, Math.abs(f0));
  const approxWolfe = (f: number, dg: number): boolean => Math.abs(f - f0) <= fTol && Math.abs(dg) <= -opts.c2 * dg0 && Math.abs(dg) < -dg0;
  // Remember the best acceptable point so a failed zoom can still return it.
  let prevA = 0, prevF = f0, prevDg = dg0;
  let a = step0;
  const zoom = (lo: number, flo: number, dglo: number, hi: number, fhi: number, dghi: number): LineSearchResult => {
    for (let j = 0; j < opts.maxLineSearch; j++) {
      const aj = Number.isFinite(fhi) && Number.isFinite(dghi) ? cubicStep(lo, flo, dglo, hi, fhi, dghi) : 0.5 * (lo + hi);
      const r = phi(aj);
      if (approxWolfe(r.f, r.dg)) return { ok: true, step: aj, f: r.f, evaluations };
      if (r.f > f0 + opts.c1 * aj * dg0 || r.f >= flo) {
        hi = aj; fhi = r.f; dghi = r.dg;
      } else {
        if (Math.abs(r.dg) <= -opts.c2 * dg0) return { ok: true, step: aj, f: r.f, evaluations };
        if (r.dg * (hi - lo) >= 0) {
          hi = lo; fhi = flo; dghi = dglo;
        }
        lo = aj; flo = r.f; dglo = r.dg;
      }
      if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // Fall back to the best sufficient-decrease point found, if any.
    if (lo > 0 && flo < f0) {
      const r = phi(lo);
      return { ok: r.f < f0, step: lo, f: r.f, evaluations };
    }
    return { ok: false, step: 0, f: f0, evaluations };
  };
  for (let i = 0; i < opts.maxLineSearch; i++) {
    const r = phi(a);
    if (!Number.isFinite(r.f)) {
      // Outside the region where f is defined: shrink toward the last good step.
      a = prevA + 0.2 * (a - prevA);
      continue;
    }
    if (approxWolfe(r.f, r.dg)) return { ok: true, step: a, f: r.f, evaluations };
    if (r.f > f0 + opts.c1 * a * dg0 || (i > 0 && r.f >= prevF)) return zoom(prevA, prevF, prevDg, a, r.f, r.dg);
    if (Math.abs(r.dg) <= -opts.c2 * dg0) return { ok: true, step: a, f: r.f, evaluations };
    if (r.dg >= 0) return zoom(a, r.f, r.dg, prevA, prevF, prevDg);
    prevA = a; prevF = r.f; prevDg = r.dg;
    a *= 2;
  }
  return { ok: false, step: 0, f: f0, evaluations };
}

/** Minimises fn from x0 by BFGS; never throws for non-convergence (see `converged`). */
export function bfgs(fn: Objective, x0: ArrayLike<number>, options: BfgsOptions = {}): MinimizeResult {
  const opts = { ...BFGS_DEFAULTS, ...options };
  const n = x0.length;
  if (n === 0) throw new InvalidArgumentsError('bfgs: x0 must not be empty');
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fn(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) {
    throw new InvalidArgumentsError(`bfgs: objective is not finite at the start point [${Array.from(x).join(', ')}]`);
  }
  const H = new Float64Array(n * n);
  const fromCaller = options.initialInverseHessian !== undefined;
  if (fromCaller) H.set(options.initialInverseHessian!);
  else for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const p = new Float64Array(n), xNew = new Float64Array(n), gNew = new Float64Array(n);
  const s = new Float64Array(n), y = new Float64Array(n), Hy = new Float64Array(n);
  let iterations = 0;
  let restarted = false;
  let scaled = fromCaller;
  const done = (converged: boolean, message: string): MinimizeResult => ({
    x, f, grad: g, iterations, evaluations, converged, message, inverseHessian: H,
  });
  while (iterations < opts.maxIterations) {
    const gmax = maxAbs(g);
    if (gmax <= opts.gradTol) return done(true, `gradient ${gmax.toExponential(2)} <= ${opts.gradTol}`);
    if (maxAbs(x) > opts.divergenceBound) return done(false, `parameters diverge (|x| > ${opts.divergenceBound})`);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= H[i * n + j] * g[j];
      p[i] = v;
    }
    let dg = dot(p, g);
    if (!(dg < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      H.fill(0);
      for (let i = 0; i < n; i++) { H[i * n + i] = 1; p[i] = -g[i]; }
      dg = dot(p, g);
      scaled = false;
    }
    const pmax = maxAbs(p);
    const step0 = pmax > opts.maxStep ? opts.maxStep / pmax : 1;
    const ls = wolfeLineSearch(fn, x, f, g, p, step0, opts, xNew, gNew);
    evaluations += ls.evaluations;
    if (!ls.ok) {
      if (gmax <= opts.gradTolLoose) return done(true, `line search cannot improve; gradient ${gmax.toExponential(2)} at precision limit`);
      if (!restarted) {
        restarted = true;
        H.fill(0);
        for (let i = 0; i < n; i++) H[i * n + i] = 1;
        scaled = false;
        continue;
      }
      return done(false, `line search failed with gradient ${gmax.toExponential(2)}`);
    }
    iterations++;
    // The line search leaves xNew/gNew at its last evaluation, which is the accepted step.
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      x[i] = xNew[i];
      g[i] = gNew[i];
    }
    const fPrev = f;
    f = ls.f;
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (!scaled) {
        // Nocedal & Wright eq. 6.20: scale H0 before the first update.
        const yy = dot(y, y);
        const gamma = sy / yy;
        for (let i = 0; i < n * n; i++) H[i] *= gamma;
        scaled = true;
      }
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += H[i * n + j] * y[j];
        Hy[i] = v;
      }
      const yHy = dot(y, Hy);
      const rho = 1 / sy;
      const c = (1 + yHy * rho) * rho;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          H[i * n + j] += c * s[i] * s[j] - rho * (Hy[i] * s[j] + s[i] * Hy[j]);
        }
      }
    }
    if (fPrev - f <= 1e-16 * Math.max(1, Math.abs(f)) && maxAbs(g) <= opts.gradTolLoose) {
      return done(true, `no further decrease; gradient ${maxAbs(g).toExponential(2)} at precision limit`);
    }
  }
  return done(maxAbs(g) <= opts.gradTol, `stopped after ${opts.maxIterations} iterations`);
}

/** f(x), writing ∇f(x) into grad and the row-major n×n ∇²f(x) into hess. */
export type ObjectiveWithHessian = (x: Float64Array, grad: Float64Array, hess: Float64Array) => number;

export const NEWTON_DEFAULTS = {
  gradTol: 1e-8,
  maxIterations: 50,
  /** Armijo constant of the backtracking line search. */
  c1: 1e-4,
  maxHalvings: 30,
  /** Largest step in any coordinate (log-parameters: a factor e^maxStep). */
  maxStep: 2,
};

export interface NewtonResult extends MinimizeResult {
  /** ∇²f at x (row-major n×n). */
  hessian: Float64Array;
}

/**
 * Newton's method with a backtracking (Armijo) line search, for polishing a point already near a
 * minimum (Nocedal & Wright 2006, Algorithm 3.1 with the Newton direction, §3.3 for its quadratic
 * convergence). Each iteration costs one evaluation of f, ∇f and ∇²f (more only when a step is cut).
 * Where ∇²f is not positive definite it steps along (∇²f + τI)⁻¹ instead (Hessian modification).
 * It stops, not converged, where the line search fails or at a stationary point that is not a
 * minimum, so the caller can fall back to BFGS; it never throws for that.
 * On return, `hessian` is ∇²f at x and `inverseHessian` its inverse when it is positive definite.
 */
export function newton(fn: ObjectiveWithHessian, x0: ArrayLike<number>, options: Partial<typeof NEWTON_DEFAULTS> = {}): NewtonResult {
  const opts = { ...NEWTON_DEFAULTS, ...options };
  const n = x0.length;
  if (n === 0) throw new InvalidArgumentsError('newton: x0 must not be empty');
  let x = Float64Array.from(x0), g = new Float64Array(n), H = new Float64Array(n * n);
  let xNew = new Float64Array(n), gNew = new Float64Array(n), HNew = new Float64Array(n * n);
  let f = fn(x, g, H);
  let evaluations = 1, iterations = 0;
  const p = new Float64Array(n);
  const finite = (v: number, a: Float64Array, b: Float64Array): boolean => Number.isFinite(v) && a.every(Number.isFinite) && b.every(Number.isFinite);
  const done = (converged: boolean, message: string, inv: Float64Array | null): NewtonResult => ({
    x, f, grad: g, iterations, evaluations, converged, message, hessian: H, inverseHessian: inv ?? identity(n),
  });
  if (!finite(f, g, H)) return done(false, 'objective, gradient or Hessian not finite at the start', null);
  for (;;) {
    const inv = invertSpd(H, n);
    const gmax = maxAbs(g);
    if (gmax <= opts.gradTol) return done(inv !== null, inv ? `gradient ${gmax.toExponential(2)} <= ${opts.gradTol}` : 'stationary point where the Hessian is not positive definite', inv);
    if (iterations >= opts.maxIterations) return done(false, `stopped after ${opts.maxIterations} iterations`, inv);
    // Away from the minimum ∇²f may not be positive definite: then ∇²f + τI with the smallest
    // τ = 1e-3·max|diag|·4^k that is (Nocedal & Wright Algorithm 3.3), which still gives descent.
    const dir = inv ?? shiftedInverse(H, n);
    if (!dir) return done(false, `Hessian cannot be made positive definite (gradient ${gmax.toExponential(2)})`, null);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v -= dir[i * n + j] * g[j];
      p[i] = v;
    }
    const dg = dot(p, g);
    const pmax = maxAbs(p);
    let step = pmax > opts.maxStep ? opts.maxStep / pmax : 1;
    let accepted = false;
    for (let h = 0; h <= opts.maxHalvings; h++, step *= 0.5) {
      for (let i = 0; i < n; i++) xNew[i] = x[i] + step * p[i];
      const fNew = fn(xNew, gNew, HNew);
      evaluations++;
      // Near the minimum the decrease is below f's rounding (a sum over many terms): a step that
      // leaves f equal to rounding and shrinks the gradient is accepted too.
      const ok = finite(fNew, gNew, HNew) &&
        (fNew <= f + opts.c1 * step * dg || (Math.abs(fNew - f) <= 1e-12 * Math.max(1, Math.abs(f)) && maxAbs(gNew) < gmax));
      if (ok) {
        [x, xNew] = [xNew, x];
        [g, gNew] = [gNew, g];
        [H, HNew] = [HNew, H];
        f = fNew;
        accepted = true;
        break;
      }
    }
    if (!accepted) return done(false, `line search failed with gradient ${gmax.toExponential(2)}`, inv);
    iterations++;
  }
}

function shiftedInverse(H: Float64Array, n: number): Float64Array | null {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(H[i * n + i]));
  if (!(scale > 0) || !Number.isFinite(scale)) scale = 1;
  const M = Float64Array.from(H);
  for (let tau = 1e-3 * scale, k = 0; k < 40; k++, tau *= 4) {
    for (let i = 0; i < n; i++) M[i * n + i] = H[i * n + i] + tau;
    const inv = invertSpd(M, n);
    if (inv) return inv;
  }
  return null;
}

function identity(n: number): Float64Array {
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  return I;
}

export interface MultiStartResult extends MinimizeResult {
  /** Index of the start the returned optimum came from. */
  start: number;
  /** Every run, in start order. */
  runs: MinimizeResult[];
}

/**
 * Runs BFGS (or the given local minimiser) from every start and returns the lowest converged optimum. Throws a ConvergenceError
 * naming the best gradient when no start converged. Starts where f is not finite are skipped.
 */
export function multiStart(
  fn: Objective, starts: readonly ArrayLike<number>[], options: BfgsOptions = {}, what = 'minimise',
  local: (x0: ArrayLike<number>) => MinimizeResult = (x0) => bfgs(fn, x0, options),
): MultiStartResult {
  if (starts.length === 0) throw new InvalidArgumentsError(`${what}: no start points`);
  const runs: MinimizeResult[] = [];
  let best = -1;
  // A start whose path the objective refuses (a ConvergenceError from inside it, e.g. a model's
  // guard against a region it cannot evaluate) is skipped like a non-finite one; if every start
  // fails that way, the last such error is the answer.
  let refused: ConvergenceError | null = null;
  for (let k = 0; k < starts.length; k++) {
    let r: MinimizeResult;
    try {
      r = local(starts[k]);
    } catch (e) {
      if (e instanceof InvalidArgumentsError) continue;
      if (e instanceof ConvergenceError) {
        refused = e;
        continue;
      }
      throw e;
    }
    runs.push(r);
    if (r.converged && (best < 0 || r.f < runs[best].f)) best = runs.length - 1;
  }
  if (best < 0) {
    if (runs.length === 0) {
      if (refused) throw refused;
      throw new InvalidArgumentsError(`${what}: the objective is not finite at any start point`);
    }
    const closest = runs.reduce((a, b) => (maxAbs(a.grad) <= maxAbs(b.grad) ? a : b));
    throw new ConvergenceError(
      `${what}: no start converged (best: ${closest.message}, f = ${closest.f}, after ${closest.iterations} iterations)`,
      closest.iterations,
      maxAbs(closest.grad),
    );
  }
  return { ...runs[best], start: best, runs };
}

/**
 * Hessian of f at x by differences of the exact gradient (steps relative to |x_i|), symmetrised.
 * Row-major n×n. 'central' costs 2n gradients (error O(h²)); 'forward' costs n + 1 (error O(h)),
 * or n when the caller already has ∇f(x) (gradAtX, e.g. from the minimiser).
 */
export function hessianFromGradient(
  fn: Objective, x: ArrayLike<number>, relStep = 1e-5, scheme: 'central' | 'forward' = 'central', gradAtX?: ArrayLike<number>,
): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const xp = Float64Array.from(x), gp = new Float64Array(n), gm = new Float64Array(n);
  if (scheme === 'forward') {
    if (gradAtX) gm.set(gradAtX);
    else fn(xp, gm);
  }
  for (let j = 0; j < n; j++) {
    const h = relStep * Math.max(1, Math.abs(x[j]));
    xp[j] = x[j] + h;
    fn(xp, gp);
    if (scheme === 'central') {
      xp[j] = x[j] - h;
      fn(xp, gm);
    }
    xp[j] = x[j];
    const div = scheme === 'central' ? 2 * h : h;
    for (let i = 0; i < n; i++) H[i * n + j] = (gp[i] - gm[i]) / div;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; null if it is not positive definite. */
export function invertSpd(A: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  // Inverse of L, then A^{-1} = L^{-T} L^{-1}.
  const Li = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    Li[i * n + i] = 1 / L[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= L[i * n + k] * Li[k * n + j];
      Li[i * n + j] = s / L[i * n + i];
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < n; k++) s += Li[k * n + i] * Li[k * n + j];
      inv[i * n + j] = s;
    }
  }
  return inv;
}

/**
 * Standard errors of maximum-likelihood estimates θ from the exact gradient of the negative
 * log-likelihood (the total over customers, not the mean) in the natural parameters: the square
 * roots of the diagonal of the inverse observed information. Throws a ConvergenceError when the
 * information is not positive definite (the point is not a strict maximum).
 */
export function standardErrors(negLogLikGrad: Objective, theta: ArrayLike<number>, what = 'fit', scheme: 'central' | 'forward' = 'central'): Float64Array {
  const H = hessianFromGradient(negLogLikGrad, theta, scheme === 'central' ? 1e-5 : 1e-6, scheme);
  return standardErrorsFromHessian(H, theta.length, what);
}

/**
 * Square roots of the diagonal of H⁻¹, for H the Hessian of a negative log-likelihood (the observed
 * information). Throws a ConvergenceError when H is not positive definite (not a strict maximum).
 */
export function standardErrorsFromHessian(H: Float64Array, n: number, what = 'fit'): Float64Array {
  const inv = invertSpd(H, n);
  if (!inv) {
    throw new ConvergenceError(`${what}: the observed information is not positive definite at the optimum; the data do not identify the parameters`, 0, NaN);
  }
  const se = new Float64Array(n);
  for (let i = 0; i < n; i++) se[i] = Math.sqrt(inv[i * n + i]);
  return se;
}
