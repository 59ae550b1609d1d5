import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bfgs, hessianFromGradient, invertSpd, multiStart, newton, standardErrors, type Objective, type ObjectiveWithHessian } from './optimize.js';
import { ConvergenceError, InvalidArgumentsError } from './errors.js';

const rosenbrock: Objective = (x, g) => {
  const a = 1 - x[0], b = x[1] - x[0] * x[0];
  g[0] = -2 * a - 400 * x[0] * b;
  g[1] = 200 * b;
  return a * a + 100 * b * b;
};

test('bfgs finds the Rosenbrock minimum (1, 1) to 1e-6', () => {
  const r = bfgs(rosenbrock, [-1.2, 1]);
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6, `${r.x}`);
  assert.ok(r.iterations < 100);
});

test('bfgs backs off where the objective is undefined', () => {
  // log-barrier: f undefined (NaN) for x <= 0, minimum at x = 1
  const f: Objective = (x, g) => {
    if (!(x[0] > 0)) { g[0] = NaN; return NaN; }
    g[0] = 1 - 1 / x[0];
    return x[0] - Math.log(x[0]);
  };
  const r = bfgs(f, [20]);
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-8);
});

test('a minimum at infinity is reported as not converged, and multiStart throws ConvergenceError', () => {
  const f: Objective = (x, g) => {
    g[0] = -Math.exp(-x[0]) * 0 - 1 / (1 + Math.exp(x[0])); // f = log(1 + e^{-x}) decreases forever
    return Math.log1p(Math.exp(-x[0]));
  };
  const r = bfgs(f, [0], { gradTol: 1e-30, gradTolLoose: 1e-30 });
  assert.equal(r.converged, false);
  assert.throws(() => multiStart(f, [[0], [1]], { gradTol: 1e-30, gradTolLoose: 1e-30 }), ConvergenceError);
  assert.throws(() => multiStart(f, []), InvalidArgumentsError);
});

test('multiStart keeps the lowest of several local minima', () => {
  // Two wells: f = (x^2 - 1)^2 + 0.3 x, global minimum near x = -1.
  const f: Objective = (x, g) => {
    g[0] = 4 * x[0] * (x[0] * x[0] - 1) + 0.3;
    return (x[0] * x[0] - 1) ** 2 + 0.3 * x[0];
  };
  const r = multiStart(f, [[0.95], [-1.05]]);
  assert.ok(r.runs[0].x[0] > 0, 'the first start stays in the local well');
  assert.ok(r.x[0] < 0, `${r.x[0]}`);
  assert.equal(r.start, 1);
  assert.equal(r.runs.length, 2);
});

test('standard errors of a Gaussian quadratic equal sqrt of the inverse Hessian diagonal', () => {
  // f = 0.5 x' A x with A = [[4, 1], [1, 2]]: A^{-1} = [[2, -1], [-1, 4]] / 7
  const f: Objective = (x, g) => {
    g[0] = 4 * x[0] + x[1];
    g[1] = x[0] + 2 * x[1];
    return 0.5 * (4 * x[0] * x[0] + 2 * x[0] * x[1] + 2 * x[1] * x[1]);
  };
  const H = hessianFromGradient(f, [0.3, -0.2]);
  assert.ok(Math.abs(H[1] - 1) < 1e-8 && Math.abs(H[0] - 4) < 1e-8);
  const se = standardErrors(f, [0.3, -0.2]);
  assert.ok(Math.abs(se[0] - Math.sqrt(2 / 7)) < 1e-8);
  assert.ok(Math.abs(se[1] - Math.sqrt(4 / 7)) < 1e-8);
  assert.equal(invertSpd(Float64Array.from([1, 2, 2, 1]), 2), null);
  const saddle: Objective = (x, g) => { g[0] = x[0]; g[1] = -x[1]; return 0.5 * (x[0] ** 2 - x[1] ** 2); };
  assert.throws(() => standardErrors(saddle, [0, 0]), ConvergenceError);
});

const rosenbrockH: ObjectiveWithHessian = (x, g, H) => {
  H[0] = 2 - 400 * (x[1] - 3 * x[0] * x[0]);
  H[1] = H[2] = -400 * x[0];
  H[3] = 200;
  return rosenbrock(x, g);
};

test('newton finds the Rosenbrock minimum from (-1.2, 1), where the Hessian is indefinite on the way', () => {
  // At (-1.2, 1) the Hessian is positive definite, but the path crosses x1 > x0²/3 + 1/200 where
  // it is not: the Hessian shift takes over there.
  const r = newton(rosenbrockH, [-1.2, 1]);
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-8 && Math.abs(r.x[1] - 1) < 1e-8, `${r.x}`);
  assert.ok(r.iterations < 50, `${r.iterations}`);
  // The returned Hessian is the one at the optimum: [[802, -400], [-400, 200]].
  assert.ok(Math.abs(r.hessian[0] - 802) < 1e-5 && Math.abs(r.hessian[1] + 400) < 1e-5);
  const fromIndefinite = newton(rosenbrockH, [0, 1]); // H = [[-398, 0], [0, 200]] at the start
  assert.ok(fromIndefinite.converged, fromIndefinite.message);
  assert.ok(Math.abs(fromIndefinite.x[0] - 1) < 1e-8);
});

test('newton converges quadratically near a minimum and reports a saddle as not converged', () => {
  // f = cosh(x) + cosh(y): from (1, -0.5), a handful of Newton steps reach |∇f| < 1e-12.
  const f: ObjectiveWithHessian = (x, g, H) => {
    g[0] = Math.sinh(x[0]); g[1] = Math.sinh(x[1]);
    H[0] = Math.cosh(x[0]); H[1] = H[2] = 0; H[3] = Math.cosh(x[1]);
    return Math.cosh(x[0]) + Math.cosh(x[1]);
  };
  const r = newton(f, [1, -0.5], { gradTol: 1e-12 });
  assert.ok(r.converged && r.iterations <= 6, `${r.iterations}: ${r.message}`);
  const saddle: ObjectiveWithHessian = (x, g, H) => {
    g[0] = x[0]; g[1] = -x[1];
    H[0] = 1; H[1] = H[2] = 0; H[3] = -1;
    return 0.5 * (x[0] ** 2 - x[1] ** 2);
  };
  assert.equal(newton(saddle, [0, 0]).converged, false);
  // Downhill forever along y: stops without claiming convergence.
  assert.equal(newton(saddle, [0.5, 0.5], { maxIterations: 20 }).converged, false);
});
