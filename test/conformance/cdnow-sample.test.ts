/**
 * Conformance on the CDNOW 1/10th sample (shared/data SOURCES.md §1b), DuckDB vs Postgres vs chdb:
 * the same file ingested into each engine gives the same counts, overview, CLV summary tuples and
 * fits, and the published checks (BG/NBD LL −9582.43, 1,882 holdout repeat purchases; Fader,
 * Hardie & Lee 2005) hold on every engine. Re-ingesting adds nothing; a bad row goes to the reject file.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestToStore } from '../../src/ingest/engines.js';
import { computeOverview } from '../../src/analysis/overview.js';
import { scopeToPlausibleDates } from '../../src/analysis/scope.js';
import { buildCustomerSummary, loadRfmTuples, loadSpendTuples } from '../../src/clv/summary.js';
import { fitFromStore } from '../../src/clv/pipeline.js';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { bundledMapping } from '../helpers/ingest.js';
import { sharedData } from '../helpers/paths.js';
import { CDNOW_SAMPLE } from '../reference/cdnow.js';
import { ENGINES, closeTo, ingestEach, openEngines, type EngineName, type Engines } from './engines.js';

const SUMMARY = { unit: 'week', calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30' } as const;
let env: Engines;
let first: Record<EngineName, IngestReport>;

before(async () => {
  env = await openEngines('cdnow_sample');
  first = await ingestEach(env, CDNOW_SAMPLE, 'cdnow_sample');
});
after(async () => env?.close());

const strip = (r: IngestReport) => ({ ...r, seconds: 0, rejectFile: r.rejectFile === null ? null : 'set' });

test('CDNOW sample ingests 6,919 events into DuckDB, Postgres and chdb with identical reports', async () => {
  assert.equal(sharedData('cdnow', 'cdnow_sample_elog.csv'), CDNOW_SAMPLE);
  for (const e of ENGINES) {
    assert.deepEqual(strip(first[e]), strip(first.duckdb), e);
    assert.equal(first[e].accepted, 6919, e);
    const [{ n, ids }] = await env.stores[e].query<{ n: number; ids: number }>('SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events');
    assert.equal(Number(n), 6919, e);
    assert.equal(Number(ids), 6919, `${e}: event ids are unique`);
  }
});

test('the same event ids and per-customer sums are stored on every engine', async () => {
  const digest = async (e: EngineName) => env.stores[e].query<{ customer_id: string; n: number; amount: number; ids: string }>(
    `SELECT customer_id, count(*) AS n, sum(amount) AS amount, min(event_id) AS ids FROM events GROUP BY customer_id ORDER BY customer_id`,
  );
  const base = await digest('duckdb');
  assert.equal(base.length, 2357);
  for (const e of ENGINES) {
    const rows = await digest(e);
    assert.equal(rows.length, base.length, e);
    for (let i = 0; i < rows.length; i++) {
      assert.equal(rows[i].customer_id, base[i].customer_id, e);
      assert.equal(Number(rows[i].n), Number(base[i].n), e);
      assert.equal(rows[i].ids, base[i].ids, `${e}: same derived event ids`);
      assert.ok(closeTo(rows[i].amount, base[i].amount, 1e-9), `${e}: customer ${rows[i].customer_id} amount ${rows[i].amount} vs ${base[i].amount}`);
    }
  }
});

test('the data overview is the same on every engine (counts exact, revenue to 1e-9)', async () => {
  const base = await computeOverview(env.stores.duckdb);
  assert.equal(base.events, 6919);
  assert.equal(base.customers, 2357);
  for (const e of ENGINES) {
    assert.equal(await scopeToPlausibleDates(env.stores[e]), null, `${e}: every CDNOW date is plausible`);
    const ov = await computeOverview(env.stores[e]);
    const { revenue, ...rest } = ov;
    const { revenue: baseRevenue, ...baseRest } = base;
    assert.deepEqual(rest, baseRest, e);
    assert.ok(closeTo(revenue.purchases!, baseRevenue.purchases!, 1e-9), `${e}: ${revenue.purchases} vs ${baseRevenue.purchases}`);
    assert.equal(revenue.returns, null, e);
  }
});

test('CLV summary: 2,357 customers, 946 repeat buyers, 1,882 holdout purchases and identical (x, t_x, T) tuples on every engine', async () => {
  const base = await buildCustomerSummary(env.stores.duckdb, SUMMARY);
  const baseTuples = await loadRfmTuples(env.stores.duckdb, base);
  const baseSpend = await loadSpendTuples(env.stores.duckdb, base);
  for (const e of ENGINES) {
    const info = await buildCustomerSummary(env.stores[e], SUMMARY);
    assert.deepEqual(info, base, e);
    assert.equal(info.customers, 2357, e);
    assert.equal(info.repeatBuyers, 946, e);
    assert.equal(info.holdoutRepeatPurchases, 1882, e);
    const t = await loadRfmTuples(env.stores[e], info);
    assert.deepEqual(t, baseTuples, `${e}: tuples identical`);
    const s = await loadSpendTuples(env.stores[e], info);
    assert.deepEqual(s.x, baseSpend.x, e);
    assert.deepEqual(s.count, baseSpend.count, e);
    for (let i = 0; i < s.monetary.length; i++) assert.ok(closeTo(s.monetary[i], baseSpend.monetary[i], 1e-9), `${e}: monetary ${i}`);
  }
});

test('BG/NBD from the store: LL −9582.43 and 1,882 actual holdout purchases on every engine, fits equal to 1e-6 (FHL 2005)', async () => {
  const base = await fitFromStore(env.stores.duckdb, { model: 'bgnbd', ...SUMMARY });
  assert.equal(Math.round(base.logLikelihood * 100) / 100, -9582.43);
  for (const e of ENGINES) {
    const r = await fitFromStore(env.stores[e], { model: 'bgnbd', ...SUMMARY });
    assert.equal(Math.round(r.logLikelihood * 100) / 100, -9582.43, e);
    assert.equal(r.holdout?.actual, 1882, e);
    for (const k of Object.keys(base.params)) assert.ok(closeTo(r.params[k], base.params[k], 1e-6), `${e}: ${k}`);
    assert.ok(closeTo(r.holdout!.predicted, base.holdout!.predicted, 1e-6), e);
    assert.deepEqual(r.tracking?.map((w) => w.actual), base.tracking?.map((w) => w.actual), `${e}: weekly tracking`);
  }
});

test('BG/BB discrete summary and Gamma-Gamma fit agree on every engine', async () => {
  const bb = await fitFromStore(env.stores.duckdb, { model: 'bgbb', ...SUMMARY });
  const gg = await fitFromStore(env.stores.duckdb, { model: 'ggamma', ...SUMMARY });
  for (const e of ENGINES) {
    const r = await fitFromStore(env.stores[e], { model: 'bgbb', ...SUMMARY });
    assert.equal(r.tuples, bb.tuples, e);
    assert.equal(r.holdout?.actual, bb.holdout?.actual, e);
    assert.ok(closeTo(r.logLikelihood, bb.logLikelihood, 1e-9), e);
    const g = await fitFromStore(env.stores[e], { model: 'ggamma', ...SUMMARY });
    for (const k of Object.keys(gg.params)) assert.ok(closeTo(g.params[k], gg.params[k], 1e-6), `${e}: ggamma ${k}`);
  }
});

test('re-ingesting the file adds nothing on any engine: 0 accepted, 6,919 duplicates', async () => {
  for (const e of ENGINES) {
    const r = await ingestToStore(env.stores[e], [CDNOW_SAMPLE], bundledMapping('cdnow_sample'), { rejectFile: join(env.dir, `${e}.rejects.csv`) });
    assert.equal(r.accepted, 0, e);
    assert.equal(r.duplicates, 6919, e);
    assert.equal(r.eventsInStore, 6919, e);
    const [{ n }] = await env.stores[e].query<{ n: number }>('SELECT count(*) AS n FROM ingests');
    assert.equal(Number(n), 2, `${e}: one provenance row per run`);
  }
});

test('a bad row goes to the reject file, with its line and reason, the same on every engine', async () => {
  const lines = readFileSync(CDNOW_SAMPLE, 'utf8').split('\n').slice(0, 4);
  const file = join(env.dir, 'extra.csv');
  // two new good rows (another customer) and one whose date cannot be read
  writeFileSync(file, `${lines[0]}\n99001,1,19970105,2,29.33\n99001,1,19970107,1,10.00\n99002,2,1997-13-45,1,5.00\n`);
  const rejects: Record<string, string> = {};
  for (const e of ENGINES) {
    const rejectFile = join(env.dir, `${e}.extra.rejects.csv`);
    const r = await ingestToStore(env.stores[e], [file], bundledMapping('cdnow_sample'), { rejectFile });
    assert.equal(r.accepted, 2, e);
    assert.equal(r.rejected, 1, e);
    assert.equal(r.eventsInStore, 6921, e);
    rejects[e] = readFileSync(rejectFile, 'utf8');
    assert.match(rejects[e], /^source,line,reason,raw\nextra\.csv,4,[^\n]*date/, e);
    assert.equal(rejects[e], rejects.duckdb, e);
    const again = await ingestToStore(env.stores[e], [file], bundledMapping('cdnow_sample'), { rejectFile });
    assert.equal(again.accepted, 0, e);
    assert.equal(again.rejected, 1, e);
  }
});
