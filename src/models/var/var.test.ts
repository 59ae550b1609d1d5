import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitVar, type VarResult } from './var.js';
import { simulateVar, type VarParameters } from './simulate.js';
import { impulseResponses, irfIndex } from './irf.js';
import { InvalidArgumentsError } from './errors.js';
import { createRng } from '../numeric/random.js';
import { assertJsonSafe } from '../../../test/helpers/json-safe.js';

/** Solves a small dense system by Gaussian elimination with partial pivoting (independent of ml-matrix). */
function gaussSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let q = c; q <= n; q++) M[r][q] -= f * M[c][q];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let q = r + 1; q < n; q++) s -= M[r][q] * x[q];
    x[r] = s / M[r][r];
  }
  return x;
}

test('2-variable VAR(1) OLS equals a direct normal-equations solve (hand-checkable, 9 periods)', () => {
  const a = [1, 2, 4, 3, 5, 4, 6, 7, 6];
  const b = [2, 1, 3, 5, 4, 6, 5, 8, 9];
  const r = fitVar({ names: ['a', 'b'], series: [a, b] }, { lag: 1, bootstrap: 0, minResidualDf: 1 });
  assert.equal(r.status, 'ok');
  // X rows [1, a_{t−1}, b_{t−1}], t = 1..8
  const X = a.slice(0, -1).map((_, t) => [1, a[t], b[t]]);
  const XtX = [0, 1, 2].map((i) => [0, 1, 2].map((j) => X.reduce((s, row) => s + row[i] * row[j], 0)));
  for (const [eq, y] of [[0, a], [1, b]] as const) {
    const Xty = [0, 1, 2].map((i) => X.reduce((s, row, t) => s + row[i] * y[t + 1], 0));
    const beta = gaussSolve(XtX, Xty);
    assert.ok(Math.abs(r.intercept![eq] - beta[0]) < 1e-10, `intercept ${eq}`);
    assert.ok(Math.abs(r.lags![0][eq][0] - beta[1]) < 1e-10, `A[${eq}][a]`);
    assert.ok(Math.abs(r.lags![0][eq][1] - beta[2]) < 1e-10, `A[${eq}][b]`);
    // residual variance with n − m = 8 − 3 degrees of freedom
    const rss = X.reduce((s, row, t) => s + (y[t + 1] - beta[0] - beta[1] * row[1] - beta[2] * row[2]) ** 2, 0);
    assert.ok(Math.abs(r.sigma![eq][eq] - rss / 5) < 1e-10, `sigma ${eq}`);
  }
  assertJsonSafe(r);
});

const spiralOut: VarParameters = { intercept: [0.5, 0.2], lags: [[[0.5, 0.3], [0.0, 0.6]]], sigma: [[1, 0.3], [0.3, 0.5]] };

test('recovers VAR(1) coefficients, Granger direction and Spiral Out on a long simulated series', () => {
  const y = simulateVar(spiralOut, 1000, createRng(7));
  const r = fitVar({ names: ['flow', 'stock'], series: y }, { bootstrap: 100, seed: 3, logs: true, spiral: { flow: 'flow', stock: 'stock' } });
  assert.equal(r.status, 'ok');
  assert.equal(r.lag, 1);
  const A = r.lags![0];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assert.ok(Math.abs(A[i][j] - spiralOut.lags[0][i][j]) < 0.06, `A[${i}][${j}] = ${A[i][j]}`);
  const out = r.granger.find((g) => g.cause === 'stock' && g.effect === 'flow')!;
  const into = r.granger.find((g) => g.cause === 'flow' && g.effect === 'stock')!;
  assert.ok(out.pValue < 1e-6, `stock → flow p = ${out.pValue}`);
  assert.ok(into.pValue > 0.01, `flow → stock p = ${into.pValue}`);
  assert.equal(r.dominance!.direction, 'spiral-out');
  assert.equal(r.dominance!.measure, 'elasticity');
  assert.ok(r.stable);
  const ir = r.irf!.responses.find((x) => x.impulse === 'stock' && x.response === 'flow')!;
  assert.ok(ir.significantFrom !== null && ir.duration >= 3, `stock → flow lasts ${ir.duration}`);
  assertJsonSafe(r);
});

test('elasticities are unit-shock generalized responses: hand-check Φ_1 Σ e_j / σ_jj for a VAR(1)', () => {
  const y = simulateVar(spiralOut, 300, createRng(11));
  const r = fitVar({ names: ['x', 'y'], series: y }, { lag: 1, bootstrap: 0, horizon: 3, logs: ['x', 'y'] });
  const A = r.lags![0];
  const S = r.sigma!;
  // response of x (0) to a unit shock in y (1): impact S[0][1]/S[1][1]; h=1: (A Σ e_1)_0 / S[1][1]
  const e0 = S[0][1] / S[1][1];
  const e1 = (A[0][0] * S[0][1] + A[0][1] * S[1][1]) / S[1][1];
  const ir = r.irf!.responses.find((q) => q.impulse === 'y' && q.response === 'x')!;
  assert.ok(Math.abs(ir.elasticity!.shortRun.estimate - e0) < 1e-12);
  assert.ok(Math.abs(ir.point[1] / Math.sqrt(S[1][1]) - e1) < 1e-12);
  assert.equal(ir.lower, null, 'no bands without bootstrap');
  // with a diagonal Σ the orthogonalised and generalized responses coincide
  const diag = impulseResponses([[[0.5, 0.2], [0.1, 0.4]]], [[2, 0], [0, 1]], 4, 'generalized', 'one-sd')!;
  const orth = impulseResponses([[[0.5, 0.2], [0.1, 0.4]]], [[2, 0], [0, 1]], 4, 'orthogonalized', 'one-sd')!;
  for (let i = 0; i < diag.length; i++) assert.ok(Math.abs(diag[i] - orth[i]) < 1e-12);
});

test('lag order: BIC picks 2 for a simulated VAR(2) in at least 18 of 20 seeds', () => {
  const p2: VarParameters = { intercept: [0, 0], lags: [[[0.4, 0.2], [0.1, 0.3]], [[-0.3, 0.0], [0.2, 0.25]]], sigma: [[1, 0.2], [0.2, 1]] };
  let hits = 0;
  for (let s = 0; s < 20; s++) {
    const r = fitVar({ names: ['a', 'b'], series: simulateVar(p2, 200, createRng(500 + s)) }, { bootstrap: 0, maxLag: 6 });
    if (r.lag === 2) hits++;
    assert.equal(r.lagSelection.length, 6);
  }
  assert.ok(hits >= 18, `BIC chose 2 in ${hits}/20`);
});

test('coverage over 100 seeds (T = 120): 95% t-intervals of the VAR(1) coefficients cover the truth — measured 91/96/95/95 of 100', (t) => {
  const S = 100;
  const cover = [0, 0, 0, 0];
  const names = ['flow', 'stock'];
  for (let s = 0; s < S; s++) {
    const r = fitVar({ names, series: simulateVar(spiralOut, 120, createRng(1000 + s)) }, { lag: 1, bootstrap: 0 });
    let q = 0;
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++, q++) {
      const row = r.coefficients.find((c) => c.equation === names[i] && c.variable === names[j] && c.lag === 1)!;
      const truth = spiralOut.lags[0][i][j];
      if (row.lower <= truth && truth <= row.upper) cover[q]++;
    }
  }
  t.diagnostic(`coverage A11/A12/A21/A22: ${cover.join('/')} of ${S}`);
  for (const c of cover) assert.ok(c >= 85 && c <= 100, `coverage ${c}/100`);
});

test('coverage over 100 seeds (T = 120, 100 bootstrap draws): bands of the stock → flow response at h = 1 and the long-run elasticity cover the truth — measured 93 and 88 of 100', (t) => {
  const H = 8;
  const truthSd = impulseResponses(spiralOut.lags, spiralOut.sigma, H, 'generalized', 'one-sd')!;
  const truthUnit = impulseResponses(spiralOut.lags, spiralOut.sigma, H, 'generalized', 'unit')!;
  let truthLongRun = 0;
  for (let h = 0; h <= H; h++) truthLongRun += truthUnit[irfIndex(2, h, 0, 1)];
  const h1 = truthSd[irfIndex(2, 1, 0, 1)];
  let coverH1 = 0;
  let coverLongRun = 0;
  for (let s = 0; s < 100; s++) {
    const r = fitVar({ names: ['flow', 'stock'], series: simulateVar(spiralOut, 120, createRng(1000 + s)) }, { lag: 1, bootstrap: 100, seed: s, horizon: H, logs: true });
    const ir = r.irf!.responses.find((x) => x.impulse === 'stock' && x.response === 'flow')!;
    if (ir.lower![1] <= h1 && h1 <= ir.upper![1]) coverH1++;
    const lr = ir.elasticity!.longRun;
    if (lr.lower! <= truthLongRun && truthLongRun <= lr.upper!) coverLongRun++;
  }
  t.diagnostic(`coverage h=1: ${coverH1}/100, long-run elasticity: ${coverLongRun}/100`);
  assert.ok(coverH1 >= 85 && coverLongRun >= 85);
});

test('the same seed gives the same bands; a different seed gives different ones', () => {
  const y = simulateVar(spiralOut, 80, createRng(3));
  const run = (seed: number): VarResult => fitVar({ names: ['a', 'b'], series: y }, { bootstrap: 50, seed });
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5).irf!.responses[1].lower, run(6).irf!.responses[1].lower);
});

test('thin and degenerate data give a status, not a crash or NaN', () => {
  const one = fitVar({ names: ['flow', 'stock'], series: [[3], [4]] });
  assert.equal(one.status, 'insufficient-data');
  assert.match(one.message!, /too few/);
  assertJsonSafe(one);
  const short = fitVar({ names: ['flow', 'stock'], series: [[1, 2, 3, 4, 5, 6], [2, 1, 2, 3, 2, 4]] });
  assert.equal(short.status, 'insufficient-data');
  const y = simulateVar(spiralOut, 60, createRng(1));
  const constant = fitVar({ names: ['flow', 'stock'], series: [y[0], new Float64Array(60).fill(2)] });
  assert.equal(constant.status, 'constant-series');
  assert.match(constant.message!, /"stock"/);
  assertJsonSafe(constant);
  const zeros = fitVar({ names: ['flow', 'stock'], series: [new Float64Array(30), new Float64Array(30)] });
  assert.equal(zeros.status, 'constant-series');
  const twin = fitVar({ names: ['a', 'b', 'c'], series: [y[0], y[1], y[0].map((v, t) => 2 * v - y[1][t])] }, { bootstrap: 0 });
  assert.equal(twin.status, 'singular');
  assertJsonSafe(twin);
  // a single variable: an AR(p), no Granger tests
  const ar = fitVar({ names: ['flow'], series: [y[0]] }, { bootstrap: 20 });
  assert.equal(ar.status, 'ok');
  assert.deepEqual(ar.granger, []);
  assertJsonSafe(ar);
});

test('an explosive system is flagged, not hidden', () => {
  const explosive: VarParameters = { intercept: [0, 0], lags: [[[1.02, 0.0], [0.1, 0.5]]], sigma: [[1, 0], [0, 1]] };
  const r = fitVar({ names: ['a', 'b'], series: simulateVar(explosive, 150, createRng(2), 0) }, { lag: 1, bootstrap: 0 });
  assert.equal(r.status, 'ok');
  assert.equal(r.stable, false);
  assert.ok(r.warnings.some((w) => /not stable/.test(w)));
});

test('bad input throws InvalidArgumentsError', () => {
  assert.throws(() => fitVar({ names: ['a', 'b'], series: [[1, 2, 3], [1, 2]] }), InvalidArgumentsError);
  assert.throws(() => fitVar({ names: ['a', 'a'], series: [[1, 2], [1, 2]] }), InvalidArgumentsError);
  assert.throws(() => fitVar({ names: ['a'], series: [[1, Number.NaN, 3]] }), InvalidArgumentsError);
  assert.throws(() => fitVar({ names: ['a', 'b'], series: [[1], [2]] }, { level: 1.5 }), InvalidArgumentsError);
  assert.throws(() => fitVar({ names: ['a', 'b'], series: [[1], [2]] }, { spiral: { flow: 'a', stock: 'z' } }), InvalidArgumentsError);
});
