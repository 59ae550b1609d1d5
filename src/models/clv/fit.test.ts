import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitMaximumLikelihood, type LogLikelihood, type LogLikelihoodHessian } from './fit.js';
import { ConvergenceError } from '../numeric/errors.js';

// N observations with mean 2 and unit variance: LL(μ) = −N (μ − 2)² / 2, so μ̂ = 2 and SE = 1/√N.
const N = 400;
const ll: LogLikelihood = (theta, grad) => {
  if (grad) grad[0] = -N * (theta[0] - 2);
  return (-N * (theta[0] - 2) ** 2) / 2;
};
const hessian: LogLikelihoodHessian = (theta, grad, hess) => {
  hess[0] = -N;
  return ll(theta, grad);
};
// A screen whose likelihood grows forever: no start converges on it.
const diverging: LogLikelihood = (theta, grad) => {
  if (grad) grad[0] = 1;
  return theta[0];
};

test('fitMaximumLikelihood: standard errors from the analytic Hessian and from differences of the gradient agree', () => {
  const base = { what: 'normal mean', names: ['mu'] as const, ll, customers: N, starts: [[0.5], [7]] };
  const a = fitMaximumLikelihood({ ...base, hessian });
  const b = fitMaximumLikelihood(base);
  for (const fit of [a, b]) {
    assert.ok(fit.converged);
    assert.ok(Math.abs(fit.params.mu - 2) < 1e-8, `${fit.params.mu}`);
    assert.ok(Math.abs(fit.stdErrors.mu - 1 / Math.sqrt(N)) < 1e-6, `${fit.stdErrors.mu}`);
    assert.ok(Math.abs(fit.logLikelihood) < 1e-12);
  }
});

test('fitMaximumLikelihood: a screen that converges nowhere falls back to every start on the full data', () => {
  const fit = fitMaximumLikelihood({
    what: 'normal mean', names: ['mu'], ll, customers: N, starts: [[0.5], [7]], hessian,
    screen: { ll: diverging, customers: 10 },
  });
  assert.ok(fit.converged);
  assert.ok(Math.abs(fit.params.mu - 2) < 1e-8, `${fit.params.mu}`);
  // Without a fallback target (the full likelihood diverges too) it is a ConvergenceError.
  assert.throws(
    () => fitMaximumLikelihood({ what: 'diverging', names: ['mu'], ll: diverging, customers: N, starts: [[1]], screen: { ll: diverging, customers: 10 } }),
    ConvergenceError,
  );
});
