/** Every objective on a shared data set: ingest, analyse once, build each objective's plan, check it. */
import assert from 'node:assert/strict';
import type { AnalysisResult } from '../../src/domain/result.js';
import { buildPlan, readSegments } from '../../src/strategy/generate.js';
import { OBJECTIVES, StrategyPlanSchema, type StrategyPlan } from '../../src/strategy/plan.js';
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
    const plan = buildPlan(result, objective, await readSegments(store, objective));
    StrategyPlanSchema.parse(plan);
    const json = JSON.stringify(plan);
    assert.ok(!/NaN|Infinity/.test(json), `${mapping}/${objective}: NaN in the plan`);
    for (const m of [plan.objective.kpi, plan.objective.higherOrder, ...plan.impact.flatMap((i) => [i.baseline, i.perArm, i.days, i.equityChange])]) {
      assert.ok(m.value !== null || (m.reason !== null && m.reason.length > 0), `${mapping}/${objective}: ${m.label} is null without a reason`);
    }
    assert.ok(plan.concepts.length > 0 && plan.impact.length > 0, `${mapping}/${objective}: every plan names concepts and their impact`);
    assert.ok(!renderPlanMarkdown(plan).includes('NaN') && !renderPlanHtml(plan).includes('NaN'));
    plans.set(objective, plan);
  }
  return { store, result, plans };
}
