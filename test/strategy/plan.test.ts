/**
 * The strategy plan on hand-built results: every objective on a full result, on one without CLV and
 * on an empty one gives a valid plan without NaN; every number's inputs are the result's fields;
 * the KPIs equal the formulas computed here from the result; segments rank as given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/strategy/generate.js';
import { fieldAt } from '../../src/strategy/metrics.js';
import { OBJECTIVES, StrategyPlanSchema, type Metric, type StrategyPlan } from '../../src/strategy/plan.js';
import { renderPlanHtml, renderPlanMarkdown } from '../../src/report/plan.js';
import { twoProportionDesign } from '../../src/models/stats/design.js';
import { buildClvSection, buildEmptyResult, buildResult } from '../fixtures/result.js';

function metrics(plan: StrategyPlan): Metric[] {
  return [
    plan.objective.kpi, plan.objective.higherOrder,
    ...plan.customerSelection.segments.map((s) => s.relevance),
    ...plan.strategySelection.strategies.flatMap((s) => [s.prevalence, s.gap, s.association]),
    ...plan.concepts.flatMap((c) => c.evidence),
    ...plan.impact.flatMap((i) => [i.baseline, i.target, i.perArm, i.total, i.days, i.equityChange]),
  ];
}

const results = { full: buildResult({ clv: buildClvSection() }), withoutClv: buildResult(), empty: buildEmptyResult() };

test('every objective on a full, a CLV-less and an empty result: a valid plan, no NaN, every null with its reason, inputs equal to the result\'s fields', () => {
  for (const [name, result] of Object.entries(results)) {
    for (const objective of OBJECTIVES) {
      const plan = buildPlan(result, objective);
      StrategyPlanSchema.parse(plan);
      const json = JSON.stringify(plan);
      assert.ok(!json.includes('NaN') && !json.includes('Infinity'), `${name}/${objective}`);
      for (const m of metrics(plan)) {
        assert.ok(m.value === null ? m.reason !== null : Number.isFinite(m.value), `${name}/${objective}: ${m.label}`);
        for (const x of m.inputs) {
          const v = fieldAt(result, x.path);
          assert.equal(x.value, typeof v === 'number' ? v : null, `${name}/${objective}: ${x.path}`);
        }
      }
      assert.equal(plan.customerSelection.status, 'no-segments');
      assert.match(plan.customerSelection.message!, /no segments yet/);
      assert.ok(plan.strategySelection.strategies.filter((s) => s.selected).length >= 1);
      const md = renderPlanMarkdown(plan);
      assert.ok(!md.includes('NaN'));
      const page = renderPlanHtml(plan);
      assert.ok(!/<script[^>]+src=|<link[^>]+href=/.test(page), 'self-contained');
      assert.match(page, /<h2>5\. Impact<\/h2>/);
    }
  }
});

test('KPIs, prevalence, design and days equal their formulas computed here from the result', () => {
  const r = results.full;
  const clv = r.clv!;
  const plan = buildPlan(r, 'reduce-attrition');
  const lapsed = 1 - clv.equity.expectedActive! / clv.customers;
  assert.ok(Math.abs(plan.objective.kpi.value! - lapsed) < 1e-12);
  assert.equal(plan.objective.higherOrder.value, clv.equity.customerEquity);
  const cust = (t: string) => r.overview.eventsByType.find((e) => e.type === t)?.customers ?? 0;
  const connect = plan.strategySelection.strategies.find((s) => s.strategy === 'connect')!;
  const want = Math.max(...['share', 'review', 'mention', 'referral', 'follow'].map(cust)) / r.overview.customers;
  assert.ok(Math.abs(connect.prevalence.value! - want) < 1e-12);
  assert.ok(Math.abs(connect.gap.value! - (1 - want)) < 1e-12);
  for (const i of plan.impact) {
    const d = twoProportionDesign({ baseline: lapsed, mde: -0.1 * lapsed });
    assert.equal(i.perArm.value, d.perArm);
    assert.equal(i.days.value, Math.ceil(d.total / (r.overview.customers / r.overview.span.days!)));
  }
  // the selected strategies fit the objective and have the largest gaps among those that do
  const fit = plan.strategySelection.strategies.filter((s) => s.fitsObjective && s.gap.value !== null).sort((a, b) => b.gap.value! - a.gap.value!);
  assert.deepEqual(plan.strategySelection.strategies.filter((s) => s.selected).map((s) => s.strategy).sort(), fit.slice(0, 2).map((s) => s.strategy).sort());
  const repeat = buildPlan(r, 'increase-repeat');
  assert.equal(repeat.objective.kpi.value, r.overview.repeatRate);
  const noClv = buildPlan(results.withoutClv, 'reduce-attrition');
  assert.equal(noClv.objective.kpi.value, null);
  assert.match(noClv.objective.kpi.reason!, /no CLV/);
  assert.equal(noClv.impact[0].perArm.value, null);
});

test('customer selection: segments keep the given ranking and the top three are selected', () => {
  const plan = buildPlan(results.full, 'reduce-attrition', {
    status: 'ok', message: null, relevanceFormula: 'Σ (1 − P(alive)) · CLV',
    rows: [{ segment: 'lapsing-vip', customers: 120, relevance: 9000 }, { segment: 'b', customers: 500, relevance: 4000 }, { segment: 'c', customers: 80, relevance: 100 }, { segment: 'd', customers: 10, relevance: null }],
  });
  assert.deepEqual(plan.customerSelection.segments.map((s) => [s.segment, s.selected]), [['lapsing-vip', true], ['b', true], ['c', true], ['d', false]]);
  assert.match(renderPlanMarkdown(plan), /\| lapsing-vip \| 120 \| 9,000 \| ✓ \|/);
});
