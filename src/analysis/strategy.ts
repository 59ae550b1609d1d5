/**
 * The strategy step of the analysis and the plan for an objective: the strategy section (per-segment
 * evidence and behaviour–KPI associations measured in SQL over the segments step's tables, and each
 * objective's headline plan), then the generator (src/strategy/generate.ts) on the result.
 */
import type { AnalysisResult, Warning } from '../domain/result.js';
import { StrategySectionSchema, type StrategySection, CUSTOMER_KPIS } from '../domain/sections/strategy.js';
import type { Store } from '../store/types.js';
import { CUSTOMER_KPI_DEFINITIONS, measureAssociations, measureSegments } from '../strategy/evidence.js';
import { buildPlan, readSegments } from '../strategy/generate.js';
import { OBJECTIVE_DEFINITIONS } from '../strategy/objectives.js';
import { OBJECTIVES, type ObjectiveName, type StrategyPlan } from '../strategy/plan.js';
import { analyze } from './analyze.js';

const NOTE = 'Associations compare the KPI of customers in the top and bottom behaviour-score quartiles (score bands 0–25 and 75–100); they are associations, not causal effects. '
  + 'Where a score counts the KPI\'s own events (overlap) the association is partly by construction.';

/** The strategy section: needs the segments step's tables (customer_segments, customer_facts, customer_behaviours). */
export async function runStrategySection(store: Store, result: AnalysisResult, warnings: Warning[], opts: { onProgress?: (step: string) => void } = {}): Promise<StrategySection | undefined> {
  if (!result.segments) return undefined;
  opts.onProgress?.('strategy');
  const names = new Map(result.segments.segments.map((s) => [s.id, s.name]));
  const [kpiRows] = await store.query(`SELECT ${CUSTOMER_KPIS.map((k) => `count(${CUSTOMER_KPI_DEFINITIONS[k].sql}) AS n_${k}, avg(${CUSTOMER_KPI_DEFINITIONS[k].sql}) AS m_${k}`).join(', ')} FROM customer_facts f`);
  const kpis = CUSTOMER_KPIS.map((k) => ({
    kpi: k, objective: CUSTOMER_KPI_DEFINITIONS[k].objective, definition: CUSTOMER_KPI_DEFINITIONS[k].definition,
    customers: Number(kpiRows[`n_${k}`] ?? 0), mean: kpiRows[`m_${k}`] === null || kpiRows[`m_${k}`] === undefined ? null : Number(kpiRows[`m_${k}`]),
  }));
  const segments = result.segments.segments.length ? await measureSegments(store, names) : [];
  const associations = await measureAssociations(store);
  const section: StrategySection = {
    status: segments.length ? 'ok' : 'no-segments',
    message: segments.length ? null : 'no segments: the segments step assigned no customer',
    kpis, associations, segments, headlines: [], note: NOTE,
  };
  if (section.status !== 'ok') warnings.push({ section: 'strategy', message: section.message! });
  const withSection = { ...result, strategy: section };
  section.headlines = OBJECTIVES.map((objective) => {
    const plan = buildPlan(withSection, objective);
    const top = plan.customerSelection.segments[0];
    return {
      objective, title: OBJECTIVE_DEFINITIONS[objective].title, kpi: plan.objective.kpi.value,
      topSegment: top ? { id: top.segment, name: top.name, relevance: top.relevance.value } : null,
      strategies: plan.strategySelection.strategies.filter((s) => s.selected).map((s) => s.strategy),
    };
  });
  return StrategySectionSchema.parse(section);
}

export async function planFromStore(store: Store, objective: ObjectiveName, onProgress?: (step: string) => void): Promise<{ plan: StrategyPlan; result: AnalysisResult }> {
  const result = await analyze(store, { onProgress });
  // The result's segments and strategy sections rank the segments; readSegments only when the result has none.
  const segments = result.strategy?.status === 'ok' ? undefined : await readSegments(store, objective);
  return { plan: buildPlan(result, objective, segments), result };
}
