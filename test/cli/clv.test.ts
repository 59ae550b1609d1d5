/**
 * `spiral clv fit` and `spiral clv score` as a user runs them, on the CDNOW 1/10th sample ingested
 * with the bundled `cdnow_sample` mapping (SOURCES.md §1b; weeks, calibration to 1997-09-30,
 * holdout to 1998-06-30), against the published numbers (Fader, Hardie & Lee 2005; Fader & Hardie's
 * notes; BTYD) and the exit codes 0 ok / 1 failed / 2 bad usage or input.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData, scratchDir } from '../helpers/paths.js';
import { spiral } from '../helpers/cli.js';

const scratch = scratchDir('spiral-clv-cli-');
const db = join(scratch.dir, 'cdnow.duckdb');
const CAL = ['--unit', 'week', '--calibration-end', '1997-09-30'];
const HOLDOUT = ['--holdout-end', '1998-06-30'];
const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

interface FitJson {
  model: string;
  params: Record<string, number>;
  stdErrors: Record<string, number>;
  logLikelihood: number;
  converged: boolean;
  customers: number;
  holdout: { actual: number; predicted: number; mae: number; rmse: number; byFrequency: { x: number }[] } | null;
  tracking: { week: number; actual: number; predicted: number; holdout: boolean }[] | null;
  candidates: { model: string; holdout: { rmse: number } | null }[] | null;
}

before(() => {
  const r = spiral(['ingest', sharedData('cdnow', 'cdnow_sample_elog.csv'), '--mapping', 'cdnow_sample', '--db', db, '--json']);
  assert.equal(r.code, 0, r.stderr);
});
after(() => scratch.cleanup());

test('clv fit --model bgnbd --json: r=0.243 alpha=4.414 a=0.793 b=2.426, LL=-9582.4, holdout actual 1,882 (FHL 2005; SOURCES.md §1b)', () => {
  const r = spiral(['clv', 'fit', '--db', db, '--model', 'bgnbd', ...CAL, ...HOLDOUT, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<FitJson>();
  assert.equal(j.model, 'bgnbd');
  assert.deepEqual(Object.keys(j.params), ['r', 'alpha', 'a', 'b']);
  assert.deepEqual(Object.keys(j.stdErrors), ['r', 'alpha', 'a', 'b']);
  assert.deepEqual([round(j.params.r, 3), round(j.params.alpha, 3), round(j.params.a, 3), round(j.params.b, 3)], [0.243, 4.414, 0.793, 2.426]);
  assert.equal(round(j.logLikelihood, 1), -9582.4);
  assert.equal(j.converged, true);
  assert.equal(j.customers, 2357);
  assert.equal(j.holdout!.actual, 1882);
  assert.ok(Math.abs(j.holdout!.predicted - 1882) / 1882 < 0.15, `${j.holdout!.predicted}`);
  assert.ok(j.holdout!.rmse >= j.holdout!.mae && j.holdout!.mae > 0);
  assert.ok(j.tracking!.length >= 78 && j.tracking!.some((t) => t.holdout));
});

test('clv fit --model pnbd and ggamma: LL=-9594.98 (Fader & Hardie, Pareto/NBD note); p=6.25 q=3.74 gamma=15.44 LL=-4055.9 over 946 buyers', () => {
  const p = spiral(['clv', 'fit', '--db', db, '--model', 'pnbd', ...CAL, '--json']);
  assert.equal(p.code, 0, p.stderr);
  const pj = p.json<FitJson>();
  assert.deepEqual(Object.keys(pj.params), ['r', 'alpha', 's', 'beta']);
  assert.equal(round(pj.logLikelihood, 2), -9594.98);
  assert.equal(round(pj.params.r, 3), 0.553);
  assert.equal(round(pj.params.s, 4), 0.6062);
  assert.equal(pj.holdout, null);
  const g = spiral(['clv', 'fit', '--db', db, '--model', 'ggamma', ...CAL, '--json']);
  assert.equal(g.code, 0, g.stderr);
  const gj = g.json<FitJson>();
  assert.deepEqual(Object.keys(gj.params), ['p', 'q', 'gamma']);
  assert.deepEqual([round(gj.params.p, 2), round(gj.params.q, 2), round(gj.params.gamma, 2)], [6.25, 3.74, 15.44]);
  assert.equal(round(gj.logLikelihood, 1), -4055.9);
  assert.equal(gj.customers, 946);
});

test('clv fit --model auto picks the candidate with the smallest holdout RMSE and lists all four (NBD added by issue #15)', () => {
  const r = spiral(['clv', 'fit', '--db', db, '--model', 'auto', ...CAL, ...HOLDOUT, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<FitJson>();
  assert.deepEqual(j.candidates!.map((c) => c.model), ['bgnbd', 'pnbd', 'mbgnbd', 'nbd']);
  const best = j.candidates!.reduce((a, b) => (b.holdout!.rmse < a.holdout!.rmse ? b : a));
  assert.equal(j.model, best.model);
  assert.equal(j.holdout!.actual, 1882);
});

test('clv score writes per-customer scores (parquet and csv) and the store table; BTYD customer x=26: P(alive)=0.969', () => {
  const parquet = join(scratch.dir, 'scores.parquet');
  const r = spiral(['clv', 'score', '--db', db, '--model', 'bgnbd', ...CAL, '--horizon', '52', '--discount-rate', '0.1', '--out', parquet, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<{ model: string; scored: number; customerEquity: number; table: string; format: string; spend: { params: Record<string, number> }; discount: { perPeriodRate: number } }>();
  assert.equal(j.model, 'bgnbd');
  assert.equal(j.scored, 2357);
  assert.equal(j.table, 'clv_scores');
  assert.equal(j.format, 'parquet');
  assert.ok(j.customerEquity > 0);
  assert.ok(Math.abs(j.discount.perPeriodRate - (1.1 ** (7 / 365.25) - 1)) < 1e-12);
  assert.ok(existsSync(parquet));
  const csv = join(scratch.dir, 'scores.csv');
  const c = spiral(['clv', 'score', '--db', db, '--model', 'bgnbd', ...CAL, '--out', csv]);
  assert.equal(c.code, 0, c.stderr);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'customer_id,x,t_x,T,monetary,p_alive,expected_purchases,expected_spend,clv');
  assert.equal(lines.length, 2358);
  const row = lines.find((l) => l.startsWith('15562,'))!.split(',');
  assert.equal(round(Number(row[5]), 3), 0.969);
  // The scores file is itself a summary: fitting it gives the same BG/NBD as the store.
  const again = spiral(['clv', 'fit', '--summary', csv, '--model', 'bgnbd', '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(round(again.json<FitJson>().logLikelihood, 1), -9582.4);
});

test('clv fit --summary with bgbb on the FHS 2010 donations (x,t_x,n,count): alpha=1.204 beta=0.750 gamma=0.657 delta=2.783', () => {
  const rows = [[0, 0, 3464], [1, 1, 1091], [1, 2, 277], [1, 3, 129], [1, 4, 78], [1, 5, 119], [1, 6, 129], [2, 2, 613], [2, 3, 255],
    [2, 4, 155], [2, 5, 173], [2, 6, 234], [3, 3, 322], [3, 4, 181], [3, 5, 225], [3, 6, 357], [4, 4, 240], [4, 5, 284],
    [4, 6, 512], [5, 5, 335], [5, 6, 728], [6, 6, 1203]];
  const file = join(scratch.dir, 'donations.csv');
  writeFileSync(file, `x,t_x,n,count\n${rows.map(([x, t, c]) => `${x},${t},6,${c}`).join('\n')}\n`);
  const r = spiral(['clv', 'fit', '--summary', file, '--model', 'bgbb', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<FitJson>();
  assert.deepEqual(Object.keys(j.params), ['alpha', 'beta', 'gamma', 'delta']);
  assert.deepEqual(['alpha', 'beta', 'gamma', 'delta'].map((k) => round(j.params[k], 3)), [1.204, 0.75, 0.657, 2.783]);
  assert.equal(round(j.logLikelihood, 1), -33225.6);
  assert.equal(j.customers, 11_104);
});

test('clv exit codes: bad summary rows name file and line (2), bad flags (2), unidentified data (1)', () => {
  const bad = join(scratch.dir, 'bad.csv');
  writeFileSync(bad, 'x,t_x,T\n1,2,3\n2,5,4\n');
  const r = spiral(['clv', 'fit', '--summary', bad, '--model', 'bgnbd', '--json']);
  assert.equal(r.code, 2);
  assert.deepEqual(r.json(), { error: 'bad.csv:3: t_x = 5 is after T = 4 (need 0 <= t_x <= T)', exitCode: 2 });
  const noCol = join(scratch.dir, 'nocol.csv');
  writeFileSync(noCol, 'x,tx,T\n1,2,3\n');
  const c = spiral(['clv', 'fit', '--summary', noCol, '--model', 'bgnbd']);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /no column "t_x"/);
  assert.equal(spiral(['clv', 'fit', '--db', db, '--model', 'weibull', ...CAL]).code, 2); // (nbd became a model in issue #15)
  const noUnit = spiral(['clv', 'fit', '--db', db, '--model', 'bgnbd', '--calibration-end', '1997-09-30']);
  assert.equal(noUnit.code, 2);
  assert.match(noUnit.stderr, /--unit is required/);
  const early = spiral(['clv', 'fit', '--db', db, '--model', 'bgnbd', '--unit', 'week', '--calibration-end', '1990-01-01']);
  assert.equal(early.code, 2);
  assert.match(early.stderr, /no customer made a first purchase/);
  const zeros = join(scratch.dir, 'zeros.csv');
  writeFileSync(zeros, 'x,t_x,T\n0,0,3\n0,0,4\n');
  assert.equal(spiral(['clv', 'fit', '--summary', zeros, '--model', 'bgnbd']).code, 2);
  const flat = join(scratch.dir, 'flat.csv');
  writeFileSync(flat, 'x,t_x,T,count\n2,10,10,50\n');
  const f = spiral(['clv', 'fit', '--summary', flat, '--model', 'pnbd', '--json']);
  assert.equal(f.code, 1);
  assert.match(f.json<{ error: string }>().error, /do not identify/);
});

test('clv --help shows the shapes and examples', () => {
  const r = spiral(['clv', 'fit', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--calibration-end/);
  assert.match(r.stdout, /spiral clv fit --summary/);
  const s = spiral(['clv', 'score', '--help']);
  assert.match(s.stdout, /--discount-rate/);
  assert.match(s.stdout, /clv_scores/);
});

// ---------------------------------------------------------------------------------------------
// Issue #15 (nbd, --horizon inf) and issue #17 item 6 (messages)

/** The CDNOW sample with every amount replaced, ingested into its own store. */
/**
 * CDNOW's sample with every amount replaced. With `onePerDay`, only a customer's first line of a day is
 * kept: the models count purchase *days* and sum a day's amounts, so equal amounts per line give equal
 * spend per purchase day only when there is one line a day.
 */
function cdnowWithAmounts(name: string, amount: (line: number) => string, onePerDay = false): string {
  const all = readFileSync(sharedData('cdnow', 'cdnow_sample_elog.csv'), 'utf8').trim().split('\n');
  const seen = new Set<string>();
  const lines = onePerDay ? all.filter((l, i) => {
    if (i === 0) return true;
    const [master, , date] = l.split(',');
    const key = `${master},${date}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }) : all;
  const csv = join(scratch.dir, `${name}.csv`);
  writeFileSync(csv, [lines[0], ...lines.slice(1).map((l, i) => l.replace(/,[^,]*$/, `,${amount(i)}`))].join('\n') + '\n');
  const store = join(scratch.dir, `${name}.duckdb`);
  const r = spiral(['ingest', csv, '--mapping', 'cdnow_sample', '--db', store, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return store;
}

test('clv --model nbd fits the no-dropout NBD with finite holdout predictions above BG/NBD\'s on CDNOW (nobody drops out)', () => {
  const r = spiral(['clv', 'fit', '--db', db, '--model', 'nbd', ...CAL, ...HOLDOUT, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<FitJson>();
  assert.equal(j.model, 'nbd');
  assert.deepEqual(Object.keys(j.params), ['r', 'alpha']);
  // Without dropout the NBD over-predicts CDNOW's holdout (1,882 actual; BG/NBD predicts about 1,862).
  assert.ok(Number.isFinite(j.holdout!.predicted) && j.holdout!.predicted > 1882, `${j.holdout!.predicted}`);
  assert.ok(j.logLikelihood < -9582.4, 'the NBD is nested in BG/NBD, so its log-likelihood is lower');
  assert.ok(j.tracking!.every((t) => Number.isFinite(t.predicted)));
});

test('clv score --horizon inf: closed-form DERT for Pareto/NBD and NBD, refused with exit 2 for BG/NBD', () => {
  const out = join(scratch.dir, 'inf.csv');
  const p = spiral(['clv', 'score', '--db', db, '--model', 'pnbd', ...CAL, '--horizon', 'inf', '--out', out, '--json']);
  assert.equal(p.code, 0, p.stderr);
  const j = p.json<{ horizon: string; customerEquity: number; purchaseHorizon: number }>();
  assert.equal(j.horizon, 'inf');
  assert.equal(j.purchaseHorizon, 52);
  const finite = spiral(['clv', 'score', '--db', db, '--model', 'pnbd', ...CAL, '--horizon', '520', '--out', out, '--json']).json<{ customerEquity: number }>();
  // An unbounded horizon is worth more than ten years, but not much more at 10% a year.
  assert.ok(j.customerEquity > finite.customerEquity && j.customerEquity < 1.5 * finite.customerEquity, `${j.customerEquity} vs ${finite.customerEquity}`);
  const n = spiral(['clv', 'score', '--db', db, '--model', 'nbd', ...CAL, '--horizon', 'inf', '--out', out, '--json']);
  assert.equal(n.code, 0, n.stderr);
  assert.ok(Number.isFinite(n.json<{ customerEquity: number }>().customerEquity));
  const b = spiral(['clv', 'score', '--db', db, '--model', 'bgnbd', ...CAL, '--horizon', 'inf', '--out', out, '--json']);
  assert.equal(b.code, 2);
  assert.match(b.json<{ error: string }>().error, /--horizon inf needs a closed-form DERT; BG\/NBD has none/);
});

test('issue #17: an impossible date on any clv date option is exit 2 naming the option, not "Invalid time value"', () => {
  const out = join(scratch.dir, 'never.csv');
  for (const [args, flag] of [
    [['clv', 'fit', '--db', db, '--model', 'bgnbd', '--unit', 'week', '--calibration-end', '2024-13-45'], '--calibration-end'],
    [['clv', 'fit', '--db', db, '--model', 'bgnbd', ...CAL, '--holdout-end', '2024-02-30'], '--holdout-end'],
    [['clv', 'score', '--db', db, '--model', 'bgnbd', '--unit', 'week', '--calibration-end', '2024-13-45', '--out', out], '--calibration-end'],
    [['clv', 'score', '--db', db, '--model', 'auto', ...CAL, '--holdout-end', '1998-99-99', '--out', out], '--holdout-end'],
  ] as const) {
    const r = spiral([...args, '--json']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const e = r.json<{ error: string }>().error;
    assert.ok(e.includes(flag) && !/Invalid time value/.test(e), e);
  }
});

test('issue #17: all amounts zero → the spend model says it needs positive amounts (not "no repeat buyers")', () => {
  const zero = cdnowWithAmounts('zero-amounts', () => '0');
  const out = join(scratch.dir, 'zero.csv');
  const s = spiral(['clv', 'score', '--db', zero, '--model', 'bgnbd', ...CAL, '--out', out, '--json']);
  assert.equal(s.code, 0, s.stderr);
  const j = s.json<{ spendNote: string; customerEquity: number | null }>();
  assert.match(j.spendNote, /needs positive purchase amounts/);
  assert.match(j.spendNote, /customers who bought again/);
  assert.equal(j.customerEquity, null);
  const g = spiral(['clv', 'fit', '--db', zero, '--model', 'ggamma', ...CAL, '--json']);
  assert.equal(g.code, 2);
  assert.match(g.json<{ error: string }>().error, /needs positive purchase amounts/);
});

test('issue #17: every customer spending the same → finite CLV for everyone, a clear note, no NaN', () => {
  const same = cdnowWithAmounts('same-amounts', () => '12.5', true);
  const out = join(scratch.dir, 'same.csv');
  const s = spiral(['clv', 'score', '--db', same, '--model', 'bgnbd', ...CAL, '--out', out, '--json']);
  assert.equal(s.code, 0, s.stderr);
  const j = s.json<{ spendNote: string; customerEquity: number; meanClv: number }>();
  assert.match(j.spendNote, /same mean spend \(12\.5\)/);
  assert.ok(Number.isFinite(j.customerEquity) && j.customerEquity > 0);
  const rows = readFileSync(out, 'utf8').trim().split('\n');
  const header = rows[0].split(',');
  const clv = header.indexOf('clv'), spend = header.indexOf('expected_spend');
  assert.equal(rows.length - 1, 2357);
  for (const row of rows.slice(1)) {
    const cells = row.split(',');
    assert.ok(Number.isFinite(Number(cells[clv])) && cells[clv] !== '', row);
    assert.equal(Number(cells[spend]), 12.5);
  }
});
