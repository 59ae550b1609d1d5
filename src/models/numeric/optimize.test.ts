import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bfgs, hessianFromGradient, invertSpd, multiStart, standardErrors, type Objective } from './optimize.js';
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
