/**
 * Conformance of the funnel step (src/funnel/: stage table, touches, touch paths, journeys, phases)
 * on DuckDB, Postgres and chdb: a simulated store with peer effects (considerers whose conversion
 * depends on peer shares/referrals and firm exposures), social shares, reviews and campaigns,
 * ingested into each engine. analyzeFunnel gives the same section field by field — counts exact,
 * conversion rates and time-to-convert quantiles to 1e-9 relative, attribution and effect models
 * to 1e-6 — with and without review touches and for two lookback windows. The checks that it is
 * not a vacuous equality: every stage is reached, peer and firm touches exist, paths and phases
 * are filled, and the number of buyers equals the store's count of customers with a purchase.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeFunnel, type FunnelOptions } from '../../src/funnel/index.js';
import type { FunnelSection } from '../../src/domain/sections/funnel.js';
import { simulate } from '../../src/simulate/index.js';
import { ENGINES, assertSameAsDuckDb, ingestEach, onEach, openEngines, type EngineName, type Engines } from './engines.js';

let env: Engines;

before(async () => {
  env = await openEngines('funnel_sim');
  const out = join(env.dir, 'events.csv');
  await simulate({ customers: 2000, seed: 11, out, customerTruth: false, peerEffects: { people: 3000 } });
  const reports = await ingestEach(env, out, 'simulated');
  for (const e of ENGINES) assert.equal(reports[e].accepted, reports.duckdb.accepted, e);
});
after(async () => env?.close());

const isModel = (path: string): boolean => /^\.(peerEffect|firmEffect|attribution\.(shapley|markov))/.test(path);

const each = (o: Partial<FunnelOptions>): Promise<Record<EngineName, FunnelSection>> =>
  onEach(env, async (store, e) => {
    const r = await analyzeFunnel(store, o);
    assert.ok('stages' in r, `${e}: a funnel`);
    return r;
  });
const assertSame = (r: Record<EngineName, FunnelSection>): void => assertSameAsDuckDb(r, isModel);

test('the funnel section is the same on DuckDB, Postgres and chdb (default options)', async () => {
  const r = await each({});
  const f = r.duckdb;
  assert.equal(f.status, 'ok');
  for (const s of f.stages) assert.ok(s.reached > 0, `${s.stage} reached`);
  assert.ok(f.touches.peerTouches > 0 && f.touches.firmTouches > 0, JSON.stringify(f.touches));
  assert.ok(f.conversions.some((c) => c.segment === 'cohort') && f.conversions.some((c) => c.medianDays !== null));
  assert.ok(f.paths.before.length > 0 && f.paths.after.length > 0 && f.paths.links.length > 0);
  assert.ok(f.paths.phases.some((p) => p.total.medianHours !== null));
  assert.equal(f.peerEffect.status, 'ok');
  const [{ n }] = await env.stores.postgres.query<{ n: number }>(`SELECT count(DISTINCT customer_id) AS n FROM events WHERE type = 'purchase'`);
  assert.equal(f.stages.find((s) => s.stage === 'action')!.reached, Number(n), 'buyers = customers with a purchase');
  assertSame(r);
});

test('without review touches and with a 7-day lookback the engines still agree', async () => {
  const noReviews = await each({ reviewTouches: false, lookbackDays: 7, maxSteps: 4 });
  assert.ok(noReviews.duckdb.touches.peerTouches > 0);
  assertSame(noReviews);
});
