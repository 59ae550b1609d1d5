/**
 * Conformance of the strategy step's SQL (src/strategy/evidence.ts, generate.ts) on DuckDB,
 * Postgres and chdb. Its inputs are the segments step's tables (customer_facts,
 * customer_behaviours, customer_segments: ported separately), clv_scores and text_sentiment; here
 * they are built from a simulated store (2,500 customers with brand dynamics and review texts) by
 * one SQL text per table on every engine, with clv_scores written from one model and the review
 * texts scored by listening on each engine. The same tables in give the same evidence out: per
 * segment KPIs, CLV, reach, funnel drop-off, median journey times and complaint terms, the
 * behaviour × KPI associations and the segment ranking for each objective — counts exact, sums and
 * statistics to 1e-9 relative.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { EVENT_TYPES } from '../../src/domain/events.js';
import { STRATEGIES, OBJECTIVES } from '../../src/strategy/plan.js';
import { measureAssociations, measureSegments } from '../../src/strategy/evidence.js';
import { readSegments } from '../../src/strategy/generate.js';
import { DEFAULTS as LISTENING, scoreStoreTexts } from '../../src/listening/analyze.js';
import { dialectOf, replaceTableAs } from '../../src/sql/dialect.js';
import type { Store } from '../../src/store/types.js';
import { assertSameAsDuckDb, ingestEach, onEach, openEngines, writeSameClvScores, type Engines } from './engines.js';

let env: Engines;
const names = new Map([[1, 'low digits'], [2, 'high digits']]);
const noModel = (): boolean => false;

/** The segments step's tables, built with one SQL text per table on every engine. */
async function buildInputs(store: Store): Promise<void> {
  const d = dialectOf(store);
  const last = '(SELECT max(ts) FROM events)';
  await replaceTableAs(store, 'customer_facts', `
SELECT e.customer_id AS customer_id,
  ${EVENT_TYPES.map((t) => `count(*) FILTER (WHERE e.type = '${t}') AS n_${t}`).join(', ')},
  count(DISTINCT CASE WHEN e.type = 'purchase' THEN ${d.toDate('e.ts')} END) AS purchase_days,
  min(e.ts) AS first_event, min(e.ts) FILTER (WHERE e.type = 'purchase') AS first_purchase,
  CAST(count(*) AS DOUBLE PRECISION) / 3 AS mean_ipt_days,
  ${d.secondsBetween('max(e.ts)', last)} / 86400.0 AS days_since_last_event,
  CAST(count(*) AS DOUBLE PRECISION) / 1000 AS pagerank,
  min(c.p_alive) AS p_alive, min(c.clv) AS clv
FROM events e LEFT JOIN clv_scores c ON c.customer_id = e.customer_id
GROUP BY e.customer_id`);
  // a score in [0, 100] per behaviour from the customer's count of one event type
  const typeOf = (i: number) => ['share', 'view', 'review', 'referral', 'support', 'purchase', 'vote', 'search'][i % 8];
  await replaceTableAs(store, 'customer_behaviours', `
SELECT customer_id, ${STRATEGIES.map((s, i) => `CAST(100 AS DOUBLE PRECISION) * n_${typeOf(i)} / (n_${typeOf(i)} + 2) AS ${s}`).join(', ')} FROM customer_facts`);
  await replaceTableAs(store, 'customer_segments', `
SELECT customer_id, CASE WHEN substr(customer_id, length(customer_id), 1) IN ('0', '1', '2', '3', '4') THEN 1 ELSE 2 END AS segment FROM customer_facts`);
}

before(async () => {
  env = await openEngines('strategy_sim');
  const out = join(env.dir, 'events.csv');
  await simulate({ customers: 2500, seed: 7, out, customerTruth: false, brand: {} });
  await ingestEach(env, out, 'simulated');
  await writeSameClvScores(env);
  await onEach(env, async (store) => {
    await scoreStoreTexts(store, { method: 'vader', types: LISTENING.types, batchSize: LISTENING.batchSize });
    await buildInputs(store);
  });
});
after(async () => env?.close());

test('per-segment evidence (KPIs, CLV, reach, funnel drop-off, journey medians, complaint terms) is the same on every engine', async () => {
  const r = await onEach(env, (store) => measureSegments(store, names));
  const b = r.duckdb;
  assert.equal(b.length, 2);
  assert.ok(b.every((s) => s.customers > 500 && s.oneTimeClv !== null && s.reach !== null && s.journey.toFirstPurchaseDays !== null), JSON.stringify(b.map((s) => [s.customers, s.oneTimeClv, s.reach])));
  assert.ok(b.every((s) => s.complaints !== null && s.complaints.texts > 0), 'complaints measured from the scored texts');
  assert.ok(b.some((s) => (s.complaints?.terms.length ?? 0) > 0), 'complaint terms found');
  assertSameAsDuckDb(r, noModel);
});

test('behaviour × KPI associations by score quartile are the same on every engine', async () => {
  const r = await onEach(env, (store) => measureAssociations(store));
  assert.ok(r.duckdb.filter((a) => a.difference !== null).length > 10, 'associations measured');
  assertSameAsDuckDb(r, noModel);
});

test('the segment ranking for every objective is the same on every engine', async () => {
  for (const objective of OBJECTIVES) {
    const r = await onEach(env, (store) => readSegments(store, objective));
    assert.equal(r.duckdb.status, 'ok');
    assert.ok(r.duckdb.rows.every((x) => x.relevance !== null), objective);
    assertSameAsDuckDb(r, noModel);
  }
});
