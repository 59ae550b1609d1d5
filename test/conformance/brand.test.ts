/**
 * Conformance of the brand step (src/brand/) on DuckDB, Postgres and chdb: a simulated store with
 * brand dynamics (Bass adoption, flow/stock/purchases of a brand item, ideas and votes; reviews with
 * text for listening), 2,500 customers, ingested into each engine. analyzeBrand gives the same
 * result field by field on every engine — counts exact, sums and statistics to 1e-9 relative, model
 * fits (momentum, adstock, VAR, Bass, pre-orders) to 1e-6 — for weekly and monthly periods, and
 * for a date window; and it is not a vacuous equality: the series, shares and ideas are non-empty
 * and the brand item the simulator names has the most flow.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeBrand, type BrandOptions, type BrandResult } from '../../src/brand/index.js';
import { simulate, type SimulationTruth } from '../../src/simulate/index.js';
import { ENGINES, assertSameAsDuckDb, ingestEach, onEach, openEngines, type EngineName, type Engines } from './engines.js';

let env: Engines;
let truth: NonNullable<SimulationTruth['brand']>;
let events = 0;

before(async () => {
  env = await openEngines('brand_sim');
  const out = join(env.dir, 'events.csv');
  const s = await simulate({ customers: 2500, seed: 7, out, customerTruth: false, brand: {} });
  truth = (JSON.parse(readFileSync(s.truthPath, 'utf8')) as SimulationTruth).brand!;
  const reports = await ingestEach(env, out, 'simulated');
  events = reports.duckdb.accepted;
  for (const e of ENGINES) assert.equal(reports[e].accepted, events, e);
});
after(async () => env?.close());

/** Model outputs: compared to 1e-6 (the same series in, the same optimiser out). */
const isModel = (path: string): boolean =>
  /^\.(overall|diffusion\.result|cocreation\.result)|^\.brands\[\d+\]\.(momentum|stock|spiral)/.test(path);

const each = (o: Partial<BrandOptions>): Promise<Record<EngineName, BrandResult>> =>
  onEach(env, (store) => analyzeBrand(store, { bootstrap: 50, brandBootstrap: 20, brandModels: 2, ...o }));
const assertSame = (r: Record<EngineName, BrandResult>): void => assertSameAsDuckDb(r, isModel);

test('weekly brand result with listening is the same on DuckDB, Postgres and chdb', async () => {
  const r = await each({ period: 'week' });
  const b = r.duckdb;
  assert.equal(b.status, 'ok');
  assert.equal(b.totals.events, events);
  assert.ok(b.periods.length > 50, `${b.periods.length} weeks`);
  assert.ok(b.totals.flowEvents > 1000 && b.totals.purchases > 1000, JSON.stringify(b.totals));
  assert.equal(b.brands[0].itemId, truth.itemId, 'the simulated brand item has the most flow');
  assert.ok(b.shareOfVoice && b.shareOfVoice.brands >= 2);
  assert.ok(b.cocreation.ideas.length > 0, 'ideas and votes are measured');
  assert.ok(b.series.activeCustomers.some((x) => x > 0));
  assert.equal(b.overall.spiral?.result.status, 'ok');
  assert.ok(b.listening && b.listening.status === 'ok' && 'overall' in b.listening && b.listening.overall.scored > 0, 'reviews are scored');
  assertSame(r);
});

test('monthly periods and a date window give the same result on every engine', async () => {
  const month = await each({ period: 'month', listening: false });
  assert.ok(month.duckdb.periods.length >= 12);
  assertSame(month);
  const first = month.duckdb.periods[3];
  const last = month.duckdb.periods[month.duckdb.periods.length - 4];
  const windowed = await each({ period: 'day', from: first, to: last, listening: false, brandModels: 1, bootstrap: 0, brandBootstrap: 0 });
  assert.equal(windowed.duckdb.periods[0], first);
  assert.ok(windowed.duckdb.totals.events < events && windowed.duckdb.totals.events > 0);
  assertSame(windowed);
});
