/** Every objective on a shared data set: ingest, analyse once, build each objective's plan, check it. */
import assert from 'node:assert/strict';
import type { AnalysisResult } from '../../src/domain/result.js';
import { buildPlan } from '../../src/strategy/generate.js';
import { OBJECTIVES, StrategyPlanSchema, type Metric, type StrategyPlan } from '../../src/strategy/plan.js';
import { fieldAt } from '../../src/strategy/metrics.js';
import { renderPlanHtml, renderPlanMarkdown } from '../../src/report/plan.js';
import { analyze } from '../../src/analysis/analyze.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { memoryStoreWith } from '../helpers/ingest.js';

export interface DatasetPlans {
  store: DuckDbStore;
  result: AnalysisResult;
  plans: Map<string, StrategyPlan>;
}

/** Ingests `files` with `mapping`, analyses, and checks every objective's plan: valid, no NaN, nulls with reasons. */
export async function plansFor(files: string[], mapping: string): Promise<DatasetPlans> {
  const { store } = await memoryStoreWith(files, mapping);
  const result = await analyze(store, { now: () => new Date('2025-01-01T00:00:00Z') });
  const plans = new Map<string, StrategyPlan>();
  for (const objective of OBJECTIVES) {
    const plan = buildPlan(result, objective);
    StrategyPlanSchema.parse(plan);
    const json = JSON.stringify(plan);
    assert.ok(!/NaN|Infinity/.test(json), `${mapping}/${objective}: NaN in the plan`);
    for (const m of [plan.objective.kpi, plan.objective.higherOrder, ...plan.impact.flatMap((i) => [i.baseline, i.perArm, i.days, i.equityChange])]) {
      assert.ok(m.value !== null || (m.reason !== null && m.reason.length > 0), `${mapping}/${objective}: ${m.label} is null without a reason`);
    }
    assert.ok(plan.concepts.length > 0 && plan.impact.length > 0, `${mapping}/${objective}: every plan names concepts and their impact`);
    if (result.strategy?.status === 'ok') {
      assert.equal(plan.customerSelection.status, 'ok', `${mapping}/${objective}: the result's segments are ranked`);
      assert.equal(plan.customerSelection.segments.length, result.segments!.segments.length);
    }
    // every input of every number is the analysis-result field it names, with that field's value
    const all: Metric[] = [
      plan.objective.kpi, plan.objective.higherOrder,
      ...plan.customerSelection.segments.flatMap((s) => [s.relevance, s.equity, s.atRisk, ...s.barriers.flatMap((b) => b.evidence)]),
      ...plan.strategySelection.strategies.flatMap((s) => [s.prevalence, s.gap, s.association, s.associationLower, s.associationUpper, s.segmentGap, s.score]),
      ...plan.impact.flatMap((i) => [i.baseline, i.perArm, i.days, i.equityChange, i.segmentDays]),
    ];
    for (const m of all) {
      assert.ok(m.value === null ? (m.reason ?? '').length > 0 : Number.isFinite(m.value), `${mapping}/${objective}: ${m.label}`);
      for (const x of m.inputs) {
        const v = fieldAt(result, x.path);
        assert.equal(x.value, typeof v === 'number' && Number.isFinite(v) ? v : null, `${mapping}/${objective}: ${m.label} input ${x.path}`);
      }
    }
    assert.ok(!renderPlanMarkdown(plan).includes('NaN') && !renderPlanHtml(plan).includes('NaN'));
    plans.set(objective, plan);
  }
  return { store, result, plans };
}

/**
 * reduce-attrition's customer selection recomputed in SQL from customer_segments and clv_scores:
 * the plan's segments in the order of Σ (1 − P(alive)) · CLV, each with its equity at risk, equity
 * and size equal to the SQL's (to `tol` relative). Returns the SQL rows, riskiest first.
 */
export async function assertAttritionRanking(store: Pick<DuckDbStore, 'query'>, plan: StrategyPlan, tol: number): Promise<Record<string, unknown>[]> {
  const close = (a: number | null, b: number, what: string) => assert.ok(a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: plan ${a} vs SQL ${b}`);
  const sql = await store.query(`SELECT s.segment, count(*) AS n, sum((1 - c.p_alive) * c.clv) AS risk, sum(c.clv) AS equity
    FROM customer_segments s LEFT JOIN clv_scores c USING (customer_id) GROUP BY 1 ORDER BY risk DESC NULLS LAST, n DESC, s.segment`);
  assert.deepEqual(plan.customerSelection.segments.map((s) => s.segment), sql.map((r) => String(r.segment)));
  plan.customerSelection.segments.forEach((s, i) => {
    close(s.relevance.value, Number(sql[i].risk), `equity at risk of segment ${s.segment}`);
    close(s.equity.value, Number(sql[i].equity), `equity of segment ${s.segment}`);
    assert.equal(s.customers, Number(sql[i].n));
  });
  return sql;
}
