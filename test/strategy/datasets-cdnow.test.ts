/**
 * Every objective on CDNOW (full and sample), and the plan's numbers recomputed in SQL from the store:
 * the KPI and equity from clv_scores, the customers and repeat rate from the events, and the customer
 * selection's order (equity at risk Σ(1 − P(alive))·CLV) once a customer_segments table exists.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildPlan, readSegments } from '../../src/strategy/generate.js';
import { spiral } from '../helpers/cli.js';
import { ingestInto } from '../helpers/ingest.js';
import { scratchDir, sharedData } from '../helpers/paths.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { assertAttritionRanking, plansFor, type DatasetPlans } from './datasets.js';

let cdnow: DatasetPlans;
const scratch = scratchDir('spiral-strategy-');
before(async () => {
  cdnow = await plansFor([sharedData('cdnow', 'cdnow_master.csv')], 'cdnow_master');
});
after(async () => {
  await cdnow?.store.close();
  scratch.cleanup();
});

const close = (a: number | null, b: number, what: string) => assert.ok(a !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: plan ${a} vs SQL ${b}`);

test('CDNOW: plan numbers recomputed in SQL from the store', async () => {
  const { store, plans } = cdnow;
  const attrition = plans.get('reduce-attrition')!;
  const [c] = await store.query(`SELECT count(*) AS n, sum(p_alive) AS alive, sum(clv) AS equity FROM clv_scores`);
  close(attrition.objective.kpi.value, 1 - Number(c.alive) / Number(c.n), 'expected lapsed share');
  close(attrition.objective.higherOrder.value, Number(c.equity), 'customer equity');
  const [e] = await store.query(`
    WITH d AS (SELECT customer_id, count(DISTINCT CAST(ts AS DATE)) AS days FROM events WHERE type = 'purchase' GROUP BY 1)
    SELECT (SELECT count(DISTINCT customer_id) FROM events) AS customers,
      (SELECT avg((days > 1)::DOUBLE) FROM d) AS repeat_rate`);
  close(plans.get('increase-repeat')!.objective.kpi.value, Number(e.repeat_rate), 'repeat rate');
  const days = attrition.impact[0].days;
  const customers = days.inputs.find((x) => x.path === 'overview.customers');
  close(customers?.value ?? null, Number(e.customers), 'overview.customers behind the days of traffic');
  // CDNOW has purchases only: no referral, idea, vote or support events, so those KPIs say so
  for (const o of ['grow-referrals', 'launch-idea', 'faster-service']) {
    const k = plans.get(o)!.objective.kpi;
    assert.equal(k.value, null);
    assert.match(k.reason!, /no (referral|idea|vote|support) events/);
  }
});

test('CDNOW, the k-means segments of the analysis: reduce-attrition ranks them by equity at risk, every number recomputed in SQL', async () => {
  const { store, result, plans } = cdnow;
  const plan = plans.get('reduce-attrition')!;
  assert.equal(plan.customerSelection.status, 'ok');
  const sql = await assertAttritionRanking(store, plan, 1e-9);
  plan.customerSelection.segments.forEach((s) => {
    assert.equal(s.name, result.segments!.segments.find((x) => String(x.id) === s.segment)!.name);
  });
  assert.deepEqual(plan.customerSelection.segments.filter((s) => s.selected).map((s) => s.segment), sql.slice(0, 3).map((r) => String(r.segment)));
  // the segment's repeat rate and the lapsed-KPI association, recomputed from the events and clv_scores
  const [top] = plan.customerSelection.segments;
  const [rr] = await store.query(`WITH d AS (SELECT customer_id, count(DISTINCT CAST(ts AS DATE)) AS days FROM events WHERE type = 'purchase' GROUP BY 1)
    SELECT avg((d.days > 1)::DOUBLE) AS r FROM customer_segments s JOIN d USING (customer_id) WHERE s.segment = ${top.segment}`);
  close(result.strategy!.segments.find((x) => String(x.id) === top.segment)!.repeatRate, Number(rr.r), 'repeat rate of the top segment');
  const a = result.strategy!.associations.find((x) => x.behaviour === 'engage' && x.kpi === 'lapsed')!;
  const [q] = await store.query(`WITH j AS (SELECT b.engage AS s, 1 - c.p_alive AS y FROM customer_behaviours b JOIN clv_scores c USING (customer_id) WHERE b.engage IS NOT NULL)
    SELECT avg(y) FILTER (WHERE s >= 75) - avg(y) FILTER (WHERE s < 25) AS d FROM j`);
  if (q.d === null) {
    // CDNOW has purchases only: no views, so no engage score and no association, with the reason
    assert.equal(a.difference, null);
    assert.match(a.reason!, /no customer has both/);
  } else close(a.difference, Number(q.d), 'engage × lapsed association (top − bottom quartile)');
  const planned = plan.strategySelection.strategies.find((s) => s.strategy === 'engage')!;
  assert.equal(planned.association.value, a.difference);
});

test('CDNOW with segments: reduce-attrition names the segments with the most equity at risk first (recomputed in SQL)', async () => {
  const { store, result } = cdnow;
  await store.exec(`CREATE OR REPLACE TABLE customer_segments AS
    SELECT customer_id, CASE WHEN x = 0 THEN 'one-time' WHEN x <= 2 THEN 'occasional' WHEN x <= 6 THEN 'regular' ELSE 'frequent' END AS segment FROM clv_scores`);
  try {
    const plan = buildPlan(result, 'reduce-attrition', await readSegments(store, 'reduce-attrition'));
    const sql = await store.query(`SELECT s.segment, sum((1 - c.p_alive) * c.clv) AS risk FROM customer_segments s JOIN clv_scores c USING (customer_id) GROUP BY 1 ORDER BY risk DESC`);
    assert.deepEqual(plan.customerSelection.segments.map((s) => s.segment), sql.map((r) => String(r.segment)));
    plan.customerSelection.segments.forEach((s, i) => close(s.relevance.value, Number(sql[i].risk), `equity at risk of ${s.segment}`));
    assert.equal(plan.customerSelection.status, 'ok');
    assert.deepEqual(plan.customerSelection.segments.filter((s) => s.selected).map((s) => s.segment), sql.slice(0, 3).map((r) => String(r.segment)));
  } finally {
    await store.exec('DROP TABLE customer_segments');
  }
});

test('CDNOW sample: every objective; spiral strategy writes the plan (Markdown, HTML) and prints it as JSON', async () => {
  const sample = await plansFor([sharedData('cdnow', 'cdnow_sample_elog.csv')], 'cdnow_sample');
  await sample.store.close();
  const db = join(scratch.dir, 'sample.duckdb');
  const store = await DuckDbStore.open(db);
  await ingestInto(store, [sharedData('cdnow', 'cdnow_sample_elog.csv')], 'cdnow_sample');
  await store.close();
  const md = join(scratch.dir, 'plan.md');
  const r = spiral(['strategy', '--db', db, '--objective', 'reduce-attrition', '--out', md, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const plan = r.json<{ objective: { name: string; kpi: { value: number } } }>();
  assert.equal(plan.objective.name, 'reduce-attrition');
  assert.ok(plan.objective.kpi.value > 0 && plan.objective.kpi.value < 1);
  const html = join(scratch.dir, 'plan.html');
  const h = spiral(['strategy', '--db', db, '--objective', 'grow-flow', '--out', html]);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /# Strategy plan: Grow brand flow/);
  const bad = spiral(['strategy', '--db', db, '--objective', 'world-peace']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--objective must be one of reduce-attrition, increase-repeat/);
});
