import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bassAdoptions, bassCdf, fitBass, imitationShare } from './bass.js';
import { simulateBass } from './simulate.js';
import { assertJsonSafe } from '../../../test/helpers/json-safe.js';
import { InvalidArgumentsError } from '../var/errors.js';
import { createRng } from '../numeric/random.js';

test('closed forms: F solves the Bass hazard, peak at ln(q/p)/(p+q), life-cycle imitation share 1 − (p/q)ln(1+q/p)', () => {
  const p = 0.02, q = 0.4;
  for (const t of [0.5, 3, 8, 20]) {
    const h = 1e-6;
    const f = (bassCdf(t + h, p, q) - bassCdf(t - h, p, q)) / (2 * h);
    const F = bassCdf(t, p, q);
    assert.ok(Math.abs(f / (1 - F) - (p + q * F)) < 1e-6, `hazard at t=${t}`);
  }
  // by numerical integration of the innovators' part p(1 − F) over a long horizon
  let innov = 0;
  const dt = 0.001;
  for (let t = dt / 2; t < 200; t += dt) innov += p * (1 - bassCdf(t, p, q)) * dt;
  assert.ok(Math.abs(1 - innov - imitationShare(p, q, Infinity)) < 1e-6);
  assert.ok(Math.abs(imitationShare(p, q, Infinity) - (1 - (p / q) * Math.log(1 + q / p))) < 1e-12);
  // observed-window share equals the same integral up to T, divided by F(T)
  let innovT = 0;
  for (let t = dt / 2; t < 10; t += dt) innovT += p * (1 - bassCdf(t, p, q)) * dt;
  assert.ok(Math.abs(1 - innovT / bassCdf(10, p, q) - imitationShare(p, q, 10)) < 1e-6);
  const a = bassAdoptions(30, p, q, 1000);
  assert.ok(Math.abs(a.reduce((s, v) => s + v, 0) - 1000 * bassCdf(30, p, q)) < 1e-9);
});

test('noise-free adoptions: p, q, m recovered to 1e-4 relative', () => {
  const adoptions = Array.from(bassAdoptions(25, 0.015, 0.35, 50_000));
  const r = fitBass({ adoptions });
  assert.equal(r.status, 'ok');
  assert.ok(Math.abs(r.p!.estimate / 0.015 - 1) < 1e-4, `p = ${r.p!.estimate}`);
  assert.ok(Math.abs(r.q!.estimate / 0.35 - 1) < 1e-4, `q = ${r.q!.estimate}`);
  assert.ok(Math.abs(r.m!.estimate / 50_000 - 1) < 1e-4, `m = ${r.m!.estimate}`);
});

test('recovers Bass p, q, m from simulated adopters with intervals, and reports the imitation share', () => {
  const adoptions = simulateBass({ p: 0.01, q: 0.4, m: 10_000 }, 20, createRng(4));
  const periods = adoptions.map((_, t) => `m${t + 1}`);
  const r = fitBass({ adoptions, periods });
  assert.equal(r.status, 'ok');
  assert.equal(r.peaked, true);
  for (const [name, truth] of [['p', 0.01], ['q', 0.4], ['m', 10_000]] as const) {
    const e = r[name]!;
    assert.ok(e.lower! <= truth && truth <= e.upper!, `${name}: ${JSON.stringify(e)}`);
  }
  const share = r.imitationShare!.lifetime;
  const truthShare = imitationShare(0.01, 0.4, Infinity);
  assert.ok(share.lower <= truthShare && truthShare <= share.upper);
  assert.ok(share.estimate > 0.85, 'word of mouth dominates when q ≫ p');
  assert.ok(r.peakTime!.lower < r.peakTime!.estimate && r.peakTime!.estimate < r.peakTime!.upper);
  assertJsonSafe(r);
});

const coverageCases = [
  { p: 0.01, q: 0.4, m: 10_000, T: 20, measured: '95/98/97' },
  { p: 0.03, q: 0.38, m: 2_000, T: 20, measured: '98/99/99' },
  { p: 0.02, q: 0.5, m: 500, T: 15, measured: '97/100/97' },
];
for (const c of coverageCases) {
  test(`coverage over 100 seeds: 95% intervals cover p = ${c.p}, q = ${c.q}, m = ${c.m} (T = ${c.T}) — measured p/q/m ${c.measured} of 100`, (t) => {
    const cover = { p: 0, q: 0, m: 0 };
    for (let s = 0; s < 100; s++) {
      const r = fitBass({ adoptions: simulateBass(c, c.T, createRng(s)) }, { draws: 100 });
      assert.equal(r.status, 'ok');
      if (r.p!.lower! <= c.p && c.p <= r.p!.upper!) cover.p++;
      if (r.q!.lower! <= c.q && c.q <= r.q!.upper!) cover.q++;
      if (r.m!.lower! <= c.m && c.m <= r.m!.upper!) cover.m++;
    }
    t.diagnostic(`coverage p/q/m: ${cover.p}/${cover.q}/${cover.m} of 100`);
    for (const v of Object.values(cover)) assert.ok(v >= 85 && v <= 100, `coverage ${JSON.stringify(cover)}`);
  });
}

test('a series that has not peaked is flagged: status not-peaked, m wide but still covering the truth', () => {
  const adoptions = simulateBass({ p: 0.01, q: 0.4, m: 10_000 }, 8, createRng(2));
  const r = fitBass({ adoptions });
  assert.equal(r.status, 'not-peaked');
  assert.match(r.message!, /not peaked/);
  assert.equal(r.peaked, false);
  assert.ok(r.m!.upper! / r.m!.lower! > 1.5, 'm interval is wide');
  assert.ok(r.m!.lower! <= 10_000 && 10_000 <= r.m!.upper!);
  assertJsonSafe(r);
});

test('pure exponential growth with no slowdown: m is reported as not identified, never NaN', () => {
  const adoptions = Array.from({ length: 10 }, (_, t) => Math.round(5 * Math.exp(0.3 * t)));
  const r = fitBass({ adoptions });
  assert.ok(r.status === 'not-identified' || r.status === 'not-peaked', r.status);
  assert.ok(r.message !== null);
  assertJsonSafe(r);
});

test('thin and degenerate adoptions give a status, never NaN', () => {
  for (const adoptions of [[], [40], [1, 2, 3]]) {
    const r = fitBass({ adoptions });
    assert.equal(r.status, 'insufficient-data');
    assertJsonSafe(r);
  }
  const zero = fitBass({ adoptions: new Array(12).fill(0) });
  assert.equal(zero.status, 'no-adoptions');
  assertJsonSafe(zero);
  const two = fitBass({ adoptions: [0, 5, 0, 0, 7, 0] });
  assert.equal(two.status, 'insufficient-data');
  const flat = fitBass({ adoptions: new Array(15).fill(20) });
  assert.notEqual(flat.status, 'ok', 'a constant series shows no life cycle');
  assert.ok(flat.message !== null);
  assertJsonSafe(flat);
});

test('bad input throws InvalidArgumentsError', () => {
  assert.throws(() => fitBass({ adoptions: [1, -2, 3, 4, 5] }), InvalidArgumentsError);
  assert.throws(() => fitBass({ adoptions: [1, Number.NaN, 3, 4, 5] }), InvalidArgumentsError);
  assert.throws(() => fitBass({ adoptions: [1, 2, 3, 4, 5] }, { level: 0 }), InvalidArgumentsError);
});
