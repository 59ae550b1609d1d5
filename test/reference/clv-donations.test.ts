/** BG/BB against Fader, Hardie & Shang (2010), Marketing Science 29(6): the 11,104 donors of Table 1 (n = 6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitBgbb } from '../../src/models/clv/bgbb.js';

// (x, t_x, count) of the 1995 cohort over 1996–2001 (FHS 2010 Table 1; also lifetimes' donations.csv).
const ROWS: [number, number, number][] = [
  [0, 0, 3464], [1, 1, 1091], [1, 2, 277], [1, 3, 129], [1, 4, 78], [1, 5, 119], [1, 6, 129], [2, 2, 613], [2, 3, 255],
  [2, 4, 155], [2, 5, 173], [2, 6, 234], [3, 3, 322], [3, 4, 181], [3, 5, 225], [3, 6, 357], [4, 4, 240], [4, 5, 284],
  [4, 6, 512], [5, 5, 335], [5, 6, 728], [6, 6, 1203],
];

test('BG/BB on the donation data: alpha=1.204 beta=0.750 gamma=0.657 delta=2.783 LL=-33,225.6 (Fader, Hardie & Shang 2010)', () => {
  const fit = fitBgbb({
    x: Float64Array.from(ROWS, (r) => r[0]), t_x: Float64Array.from(ROWS, (r) => r[1]),
    n: new Float64Array(ROWS.length).fill(6), count: Float64Array.from(ROWS, (r) => r[2]),
  });
  const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;
  assert.equal(fit.customers, 11_104);
  assert.equal(round(fit.params.alpha, 3), 1.204);
  assert.equal(round(fit.params.beta, 3), 0.75);
  assert.equal(round(fit.params.gamma, 3), 0.657);
  assert.equal(round(fit.params.delta, 3), 2.783);
  assert.equal(round(fit.logLikelihood, 1), -33225.6);
});
