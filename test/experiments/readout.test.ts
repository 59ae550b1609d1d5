/**
 * The readout on a hand-built log whose every customer's outcome is known: the SQL's assignment,
 * window, exclusions and pre-period covariate are checked against sums computed here from the spec
 * (not from events), then the statistics against the same comparison applied to those sums.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { addObservation, compareArms, compareArmsCuped, emptyMoments } from '../../src/models/stats/compare.js';
import { buildReadout, readoutExperiment, UnknownExperimentError } from '../../src/strategy/experiments/readout.js';
import { listExperiments } from '../../src/strategy/experiments/queries.js';
import { ExperimentReadoutSchema } from '../../src/domain/sections/experiments.js';
import { InvalidArgumentsError } from '../../src/models/numeric/errors.js';
import { spiral } from '../helpers/cli.js';
import { scratchDir } from '../helpers/paths.js';
import { analyze } from '../../src/analysis/analyze.js';
import { experimentsSection } from '../../src/report/sections/experiments.js';
import { renderReport } from '../../src/report/index.js';
import { formatPercent } from '../../src/report/format.js';
import { buildResult } from '../fixtures/result.js';

const scratch = scratchDir('spiral-experiment-');
const db = join(scratch.dir, 'exp.duckdb');
const DAY = 86_400_000;
const T0 = Date.parse('2024-03-01T00:00:00Z');
const N = 400;

interface Spec { id: string; variant: string; mixed: boolean; late: boolean; t0: number; conv: boolean; rev: number; pre: boolean; preRev: number }
const specs: Spec[] = [];
const rows: string[] = [];
let eid = 0;
const iso = (ms: number) => new Date(ms).toISOString();
function ev(customer: string, ms: number, type: string, amount: number | null = null, props: Record<string, string> | null = null): void {
  rows.push(`('e${++eid}', '${customer}', TIMESTAMP '${iso(ms).replace('T', ' ').replace('Z', '')}', '${type}', NULL, ${amount ?? 'NULL'}, NULL, NULL, NULL, NULL, NULL, ${props ? `'${JSON.stringify(props)}'` : 'NULL'}, 'test')`);
}

for (let i = 0; i < N; i++) {
  const id = `c${i}`;
  const variant = i % 2 ? 'treatment' : 'control';
  const mixed = i < 10;
  const late = i >= 10 && i < 15;
  const t0 = late ? Date.parse('2024-05-25T00:00:00Z') : T0 + (i % 5) * 3_600_000;
  // the first exposure decides; a later one to the other variant makes the customer "mixed"
  ev(id, t0, 'exposure', null, { experiment: 'promo', variant });
  ev(id, t0 + DAY, 'exposure', null, { experiment: 'promo', variant: mixed ? (i % 2 ? 'control' : 'treatment') : variant });
  const conv = variant === 'control' ? i % 7 === 0 : i % 5 === 0;
  const rev = conv ? 10 + (i % 3) : 0;
  if (conv) ev(id, t0 + 3 * DAY, 'purchase', 10 + (i % 3));
  if (i % 11 === 0 && !late) ev(id, t0 + 14 * DAY, 'purchase', 99); // the window is half-open: not counted
  const pre = i % 4 === 0;
  if (pre) ev(id, t0 - 2 * DAY, 'purchase', 5);
  if (i % 3 === 0) ev(id, t0 - 20 * DAY, 'purchase', 7); // before the pre-period
  specs.push({ id, variant, mixed, late, t0, conv, rev, pre, preRev: pre ? 5 : 0 });
}
ev('c0', Date.parse('2024-03-02T00:00:00Z'), 'exposure', null, { experiment: 'other', variant: 'a' });
ev('z1', Date.parse('2024-03-02T00:00:00Z'), 'exposure'); // an exposure without an experiment
ev('z1', Date.parse('2024-06-01T00:00:00Z'), 'view'); // the log ends here

before(async () => {
  const store = await DuckDbStore.open(db);
  for (let k = 0; k < rows.length; k += 500) await store.exec(`INSERT INTO events VALUES ${rows.slice(k, k + 500).join(',')}`);
  await store.close();
});
after(() => scratch.cleanup());

test('experiments found: each with its variants and first-exposure customers', async () => {
  const store = await DuckDbStore.open(db, { readOnly: true });
  try {
    const found = await listExperiments(store);
    assert.deepEqual(found.map((e) => [e.experiment, e.customers, e.variants.map((v) => `${v.variant}:${v.customers}`).join(',')]), [
      ['other', 1, 'a:1'],
      ['promo', N, `control:${N / 2},treatment:${N / 2}`],
    ]);
  } finally {
    await store.close();
  }
});

test('readout: assignment, window, exclusions and pre-period from SQL equal the spec; statistics on them', async () => {
  const store = await DuckDbStore.open(db, { readOnly: true });
  let r;
  try {
    r = await readoutExperiment(store, 'promo');
  } finally {
    await store.close();
  }
  ExperimentReadoutSchema.parse(r);
  assert.equal(r.control, 'control');
  assert.equal(r.exposed, N);
  assert.equal(r.inTwoVariants, 10);
  assert.equal(r.incompleteWindow, 5);
  assert.equal(r.status, 'customers-in-two-variants');
  const conv = { control: emptyMoments(), treatment: emptyMoments() };
  const rev = { control: emptyMoments(), treatment: emptyMoments() };
  for (const s of specs) {
    if (s.mixed || s.late) continue;
    const k = s.variant as 'control' | 'treatment';
    addObservation(conv[k], s.conv ? 1 : 0, s.pre ? 1 : 0);
    addObservation(rev[k], s.rev, s.preRev);
  }
  assert.deepEqual(r.variants.map((v) => [v.variant, v.customers, v.conversions]), [
    ['control', conv.control.n, conv.control.sumY],
    ['treatment', conv.treatment.n, conv.treatment.sumY],
  ]);
  const t = r.variants[1];
  const want = compareArms(conv.control, conv.treatment)!;
  assert.ok(Math.abs(t.lift.relative! - want.relative!) < 1e-12);
  assert.ok(Math.abs(t.lift.lower! - want.lower!) < 1e-12 && Math.abs(t.lift.upper! - want.upper!) < 1e-12);
  assert.ok(Math.abs(t.pValue! - want.pValue) < 1e-12);
  assert.ok(Math.abs(t.revenue.perCustomer! - rev.treatment.sumY / rev.treatment.n) < 1e-12);
  const wantRev = compareArms(rev.control, rev.treatment)!;
  assert.ok(Math.abs(t.revenue.absolute! - wantRev.absolute) < 1e-12);
  const wantCuped = compareArmsCuped(conv.control, conv.treatment)!;
  assert.ok(Math.abs(t.cuped.theta! - wantCuped.theta) < 1e-12, 'the pre-period covariate is the purchase 2 days before exposure');
  assert.ok(Math.abs(t.cuped.revenue.theta! - compareArmsCuped(rev.control, rev.treatment)!.theta) < 1e-12);
  // the control row carries no lift; SRM on the single-variant customers: 195 vs 195
  assert.equal(r.variants[0].lift.relative, null);
  assert.deepEqual(r.srm.split.map((s) => s.observed), [195, 195]);
  assert.equal(r.srm.flagged, false);
  assert.equal(t.clv.change, null);
  assert.match(t.clv.reason ?? '', /no clv_scores table/);
});

test('readout: a shorter window and the implied CLV change when clv_scores exists', async () => {
  const copy = join(scratch.dir, 'clv.duckdb');
  const store = await DuckDbStore.open(copy);
  try {
    await store.exec(`ATTACH '${db}' AS src (READ_ONLY); INSERT INTO events SELECT * FROM src.events; DETACH src`);
    await store.exec(`CREATE TABLE clv_scores AS SELECT DISTINCT customer_id, 200.0 AS clv FROM events`);
    const r = await readoutExperiment(store, 'promo', { windowDays: 2 });
    // within 2 days no purchase (they come on day 3): no conversions at all
    assert.equal(r.status, 'no-conversions');
    assert.equal(r.variants[1].lift.relative, null);
    const r14 = await readoutExperiment(store, 'promo');
    const t = r14.variants[1];
    assert.equal(t.clv.perCustomer, 200);
    assert.ok(Math.abs(t.clv.change! - t.lift.relative! * 200) < 1e-9);
    assert.ok(Math.abs(t.clv.total! - t.clv.change! * t.customers) < 1e-6);
  } finally {
    await store.close();
  }
});

test('degenerate readouts say why: one variant, no control, too few customers; bad --control and --split are errors', () => {
  const m = (n: number, y: number) => ({ n, sumY: y, sumY2: y, sumX: 0, sumX2: 0, sumXY: 0 });
  const v = (variant: string, n: number, y: number) => ({ variant, assigned: n, inTwoVariants: 0, incompleteWindow: 0, conversion: m(n, y), revenue: m(n, 0), clvMean: null, clvCustomers: 0, firstExposure: null, lastExposure: null });
  const one = buildReadout('x', [v('control', 100, 5)]);
  assert.equal(one.status, 'one-variant');
  assert.equal(one.srm.pValue, null);
  const noControl = buildReadout('x', [v('a', 100, 5), v('b', 100, 7)]);
  assert.equal(noControl.status, 'no-control');
  assert.match(noControl.message!, /--control/);
  assert.equal(buildReadout('x', [v('a', 100, 5), v('b', 100, 7)], { control: 'a' }).status, 'ok');
  assert.equal(buildReadout('x', [v('control', 1, 0), v('b', 100, 7)]).status, 'too-few-customers');
  assert.throws(() => buildReadout('x', [v('a', 100, 5), v('b', 100, 7)], { control: 'c' }), InvalidArgumentsError);
  assert.throws(() => buildReadout('x', [v('control', 100, 5), v('b', 100, 7)], { split: [1, 2, 3] }), /3 shares/);
  // a planned 90/10 split: 900/100 is fine, read as 50/50 it is flagged
  const big = [v('control', 900, 50), v('b', 100, 7)];
  assert.equal(buildReadout('x', big, { split: [90, 10] }).srm.flagged, false);
  const flagged = buildReadout('x', big);
  assert.equal(flagged.srm.flagged, true);
  assert.match(flagged.message!, /sample ratio mismatch/);
  for (const r of [one, noControl, flagged]) ExperimentReadoutSchema.parse(JSON.parse(JSON.stringify(r)));
});

test('CLI: readout --json, the summary, and an unknown experiment exits 2 listing those found', async () => {
  await assert.rejects(async () => {
    const store = await DuckDbStore.open(db, { readOnly: true });
    try {
      await readoutExperiment(store, 'nope');
    } finally {
      await store.close();
    }
  }, UnknownExperimentError);
  const ok = spiral(['experiment', 'readout', '--db', db, '--experiment', 'promo', '--split', 'control=1,treatment=1', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const j = ok.json<{ experiment: string; control: string; variants: { variant: string; customers: number; lift: Record<string, unknown> }[]; srm: { pValue: number; flagged: boolean } }>();
  assert.equal(j.experiment, 'promo');
  assert.deepEqual(Object.keys(j.variants[1].lift).slice(0, 4), ['absolute', 'relative', 'lower', 'upper']);
  assert.deepEqual(Object.keys(j.variants[1]).slice(0, 9), ['variant', 'customers', 'conversions', 'rate', 'lift', 'pValue', 'revenue', 'cuped', 'clv']);
  assert.deepEqual(Object.keys(j.srm).slice(0, 2), ['pValue', 'flagged']);
  const human = spiral(['experiment', 'readout', '--db', db, '--experiment', 'promo']);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /experiment promo: 400 exposed customers, control control/);
  assert.match(human.stdout, /SRM: p = 1\.0000/);
  const bad = spiral(['experiment', 'readout', '--db', db, '--experiment', 'nope', '--json']);
  assert.equal(bad.code, 2);
  assert.match(bad.json<{ error: string }>().error, /"nope" is not in the log: the experiments found are "other" \(a; 1 customers\), "promo"/);
  const badSplit = spiral(['experiment', 'readout', '--db', db, '--experiment', 'promo', '--split', '50,x']);
  assert.equal(badSplit.code, 2);
  assert.match(badSplit.stderr, /--split/);
});

test('CLI: design --baseline 0.10 --mde 0.02 → 3,841 per arm; --db without segments is a clear exit 2', () => {
  const r = spiral(['experiment', 'design', '--baseline', '0.10', '--mde', '0.02', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<{ perArm: number; total: number; days: number | null }>();
  assert.deepEqual([j.perArm, j.total, j.days], [3841, 7682, null]);
  const noSeg = spiral(['experiment', 'design', '--db', db, '--segment', 'loyal', '--mde', '0.1', '--json']);
  assert.equal(noSeg.code, 2);
  assert.match(noSeg.json<{ error: string }>().error, /no segments yet \(no table customer_segments\(customer_id, segment\)\)/);
  const bad = spiral(['experiment', 'design', '--baseline', '1.5', '--mde', '0.02']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--baseline must be a rate in \(0, 1\)/);
});

test('design --db --segment: baseline, traffic and days from the store when customer_segments exists', async () => {
  const copy = join(scratch.dir, 'seg.duckdb');
  const store = await DuckDbStore.open(copy);
  try {
    // 60 customers in segment "s": 15 bought in the last 14 days, every one active on 10 of the last 28 days
    const ev: string[] = [];
    const end = Date.parse('2024-06-30T12:00:00Z');
    for (let i = 0; i < 60; i++) {
      for (let d = 0; d < 10; d++) ev.push(`('v${i}_${d}', 'c${i}', TIMESTAMP '${iso(end - d * DAY).replace('T', ' ').replace('Z', '')}', 'view', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 't')`);
      if (i < 15) ev.push(`('p${i}', 'c${i}', TIMESTAMP '${iso(end - 2 * DAY).replace('T', ' ').replace('Z', '')}', 'purchase', NULL, 20, NULL, NULL, NULL, NULL, NULL, NULL, 't')`);
    }
    await store.exec(`INSERT INTO events VALUES ${ev.join(',')}`);
    await store.exec(`CREATE TABLE customer_segments AS SELECT 'c' || i AS customer_id, CASE WHEN i < 60 THEN 's' ELSE 'other' END AS segment FROM range(80) t(i)`);
  } finally {
    await store.close();
  }
  const r = spiral(['experiment', 'design', '--db', copy, '--segment', 's', '--kpi', 'conversion', '--mde', '0.2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<{ perArm: number; total: number; days: number; baseline: number; dailyTraffic: number; segmentCustomers: number; message: string }>();
  assert.equal(j.baseline, 0.25);
  assert.equal(j.segmentCustomers, 60);
  // 60 customers × 10 active days / 28 days
  assert.ok(Math.abs(j.dailyTraffic - 600 / 28) < 1e-9);
  const pbar = (0.25 + 0.3) / 2;
  const n = (1.959963984540054 * Math.sqrt(2 * pbar * (1 - pbar)) + 0.8416212335729143 * Math.sqrt(0.25 * 0.75 + 0.3 * 0.7)) ** 2 / 0.05 ** 2;
  assert.equal(j.perArm, Math.ceil(n));
  assert.equal(j.days, Math.ceil(j.total / (600 / 28)));
  assert.match(j.message, /segment has 60/);
  const unknown = spiral(['experiment', 'design', '--db', copy, '--segment', 'nope', '--mde', '0.2']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /segments: s \(60\), other \(20\)/);
});

test('spiral analyze includes the experiments section and the report renders it; results without it render without it', async () => {
  const store = await DuckDbStore.open(db); // analyze writes clv_scores and the customer tables
  let result;
  try {
    result = await analyze(store, { now: () => new Date('2024-07-01T00:00:00Z') });
    const direct = await readoutExperiment(store, 'promo');
    assert.deepEqual(result.experiments?.readouts.find((r) => r.experiment === 'promo'), direct);
  } finally {
    await store.close();
  }
  const s = result.experiments!;
  assert.deepEqual(s.found.map((e) => e.experiment), ['other', 'promo']);
  assert.equal(s.readouts.find((r) => r.experiment === 'other')!.status, 'one-variant');
  assert.ok(result.warnings.some((w) => w.section === 'experiments' && /other: only one variant/.test(w.message)));
  const section = experimentsSection(result)!;
  const body = section.html.toString();
  assert.match(body, /data-experiment="promo"/);
  assert.match(body, /treatment/);
  const promo = s.readouts.find((r) => r.experiment === 'promo')!;
  assert.ok(body.includes(formatPercent(promo.variants[1].lift.relative!)), 'the lift is shown as computed');
  assert.equal(experimentsSection(buildResult()), null);
  assert.match(renderReport(result), /id="experiments"/);
});
