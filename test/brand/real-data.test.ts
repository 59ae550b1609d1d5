/**
 * Brand measures on the shared real data: Ciao reviews per month (flow, momentum, Bass on new
 * reviewers), Taobao favourites per day, and the six airlines' share of voice and sentiment —
 * with the counts checked against direct SQL on the same store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeBrand, type BrandResult } from '../../src/brand/index.js';
import { BrandSectionSchema } from '../../src/domain/sections/brand.js';
import { assertJsonSafe } from '../helpers/json-safe.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { sharedData } from '../helpers/paths.js';

const ok = <T extends { status: string }>(x: T | { status: string }): T => {
  assert.equal(x.status, 'ok', JSON.stringify(x).slice(0, 300));
  return x as T;
};

describe('Ciao: reviews per month 2000–2011', () => {
  let store: DuckDbStore;
  let r: BrandResult;
  before(async () => {
    ({ store } = await memoryStoreWith([sharedData('ciao', 'ciao_ratings.csv.gz')], 'ciao_ratings'));
    r = await analyzeBrand(store, { period: 'month', listening: false, brandModels: 2, bootstrap: 100, brandBootstrap: 0 });
  });
  after(() => store?.close());

  test('flow per month equals a direct count of reviews per month, and the axis runs 2000-05 to 2011-04', async () => {
    assert.equal(r.periods[0], '2000-05-01');
    assert.equal(r.periods.at(-1), '2011-04-01');
    assert.equal(r.periods.length, 132);
    const rows = await store.query<{ m: string; n: number }>(
      `SELECT strftime(date_trunc('month', ts), '%Y-%m-%d') AS m, count(*) AS n FROM events WHERE type = 'review' GROUP BY 1 ORDER BY 1`);
    const direct = new Map(rows.map((x) => [x.m, Number(x.n)]));
    r.periods.forEach((p, i) => assert.equal(r.series.flow[i], direct.get(p) ?? 0, p));
    assert.equal(r.totals.flowEvents, 284_086);
    assert.deepEqual(r.flowByType.map((t) => t.type), ['review']);
    // the last month is 38% covered and left out of the models
    assert.equal(r.partialLastPeriod?.period, '2011-04-01');
    assert.equal(r.modelPeriods, 131);
  });

  test('new reviewers per month equal a direct count of first reviews, and sum to the 7,375 reviewers', async () => {
    const rows = await store.query<{ m: string; n: number }>(
      `SELECT strftime(date_trunc('month', f), '%Y-%m-%d') AS m, count(*) AS n FROM (SELECT min(ts) AS f FROM events GROUP BY customer_id) GROUP BY 1`);
    const direct = new Map(rows.map((x) => [x.m, Number(x.n)]));
    r.periods.forEach((p, i) => assert.equal(r.series.newCustomers[i], direct.get(p) ?? 0, p));
    assert.equal(r.series.newCustomers.reduce((a, b) => a + b, 0), 7375);
    assert.equal(r.diffusion.adopters, 'first event');
  });

  test('momentum over the last 12 complete months: about 0 %/month, not significant (−2.8 % to +2.0 %)', () => {
    const m = ok<{ status: string; growthRate: number; interval: { lower: number; upper: number }; direction: string; to: string }>(r.overall.momentum);
    assert.equal(m.to, '2011-03-01');
    assert.ok(Math.abs(m.growthRate) < 0.02, String(m.growthRate));
    assert.ok(m.interval.lower < 0 && m.interval.upper > 0);
    assert.equal(m.direction, 'flat');
  });

  test('Bass on new reviewers per month: p ≈ 0.0116, q ≈ 0.010, m ≈ 8,200 reviewers (fitted on the monthly series itself)', () => {
    const b = ok<{ status: string; p: { estimate: number; lower: number; upper: number }; q: { estimate: number; lower: number; upper: number }; m: { estimate: number; lower: number; upper: number }; warnings: string[]; fitted: number[] }>(r.diffusion.result);
    assert.ok(b.p.estimate > 0.009 && b.p.estimate < 0.015, String(b.p.estimate));
    assert.ok(b.q.estimate > 0.003 && b.q.estimate < 0.03, String(b.q.estimate));
    assert.ok(b.m.estimate > 7375 && b.m.estimate < 9500, String(b.m.estimate));
    assert.ok(b.m.lower > 7000);
    assert.equal(b.fitted.length, 131);
    assert.doesNotMatch(b.warnings.join(' '), /period totals/, 'no fallback to coarser periods is needed');
  });

  test('the section is plain JSON and passes the result schema', () => {
    assertJsonSafe(JSON.parse(JSON.stringify(r)));
    BrandSectionSchema.parse(r);
  });
});

describe('Taobao: favourites per day (no canonical flow types)', () => {
  let store: DuckDbStore;
  before(async () => {
    ({ store } = await memoryStoreWith([sharedData('taobao', 'taobao_userbehavior_prefix.csv')], 'taobao'));
  });
  after(() => store?.close());

  test('with the default flow types the result says there is no flow and names what the data hold', async () => {
    const r = await analyzeBrand(store, { period: 'day', listening: false, brandModels: 0 });
    assert.equal(r.status, 'no-flow');
    assert.match(r.message!, /no spontaneous actions .* the data hold view, cart, save, purchase/);
    assert.equal(r.overall.momentum.status, 'no-flow');
    assertJsonSafe(JSON.parse(JSON.stringify(r)));
  });

  test('favourites (save) as flow, 2017-11-25..12-03: daily counts match SQL; momentum +2.9 %/day, not significant', async () => {
    const r = await analyzeBrand(store, { period: 'day', flowTypes: ['save'], from: '2017-11-25', to: '2017-12-03', listening: false, brandModels: 0 });
    assert.equal(r.status, 'ok');
    assert.equal(r.periods.length, 9);
    const rows = await store.query<{ d: string; n: number }>(
      `SELECT strftime(CAST(ts AS DATE), '%Y-%m-%d') AS d, count(*) AS n FROM events WHERE type = 'save' AND ts >= '2017-11-25' AND ts < '2017-12-04' GROUP BY 1`);
    const direct = new Map(rows.map((x) => [x.d, Number(x.n)]));
    r.periods.forEach((p, i) => assert.equal(r.series.flow[i], direct.get(p) ?? 0, p));
    assert.equal(r.totals.flowEvents, 2311);
    const m = ok<{ status: string; growthRate: number; significant: boolean }>(r.overall.momentum);
    assert.ok(m.growthRate > 0 && m.growthRate < 0.06, String(m.growthRate));
    assert.equal(m.significant, false);
    // 8 complete days are too few for the 3-variable VAR: a message, not a crash
    assert.equal(r.overall.spiral?.result.status, 'insufficient-data');
  });
});

describe('Twitter US airlines: share of voice and sentiment', () => {
  let store: DuckDbStore;
  let r: BrandResult;
  before(async () => {
    ({ store } = await memoryStoreWith([sharedData('twitter_airline', 'Tweets.csv')], 'twitter_airline'));
    r = await analyzeBrand(store, { period: 'day', brandBootstrap: 0, bootstrap: 0 });
  });
  after(() => store?.close());

  test('share of voice of the six airlines matches direct counts (United 26.1 %, … Virgin America 3.4 %)', async () => {
    const sov = r.shareOfVoice!;
    assert.equal(sov.brands, 6);
    assert.equal(sov.totalEvents, 14_640);
    const rows = await store.query<{ item_id: string; n: number }>(`SELECT item_id, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC`);
    assert.deepEqual(sov.items.map((i) => [i.itemId, i.events]), rows.map((x) => [x.item_id, Number(x.n)]));
    assert.equal(sov.items[0].itemId, 'United');
    assert.ok(Math.abs(sov.items[0].share - 3822 / 14640) < 1e-12);
    assert.equal(r.brands.length, 6);
  });

  test('sentiment per airline over time: every tweet scored, net sentiment negative for United, US Airways and American', () => {
    const l = r.listening;
    assert.ok(l && l.status === 'ok' && 'overall' in l);
    assert.equal(l.overall.scored, 14_640);
    const byItem = new Map(l.items.map((i) => [i.itemId, i]));
    for (const a of ['United', 'US Airways', 'American']) assert.ok(byItem.get(a)!.netSentiment! < -0.15, a);
    assert.ok(byItem.get('Virgin America')!.netSentiment! > byItem.get('US Airways')!.netSentiment!);
    const days = new Set(l.overTime.map((p) => p.period));
    assert.ok(days.size >= 8);
    assert.equal(l.overTime.reduce((a, p) => a + p.scored, 0), 14_640);
    assert.ok(l.complaintTerms.some((c) => c.itemId === 'United' && c.terms.length > 0));
  });
});
