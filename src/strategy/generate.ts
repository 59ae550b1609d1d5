/**
 * The strategy generator: from an analysis result (and, once the segments step has written them,
 * the store's segments) to a five-step plan. Every number is a Metric naming the result fields it
 * comes from; steps without data say why instead of inventing numbers.
 *
 * Plug-in points for the segments branch: customer selection ranks the segments of the store table
 * customer_segments(customer_id, segment) when it exists (with clv_scores for equity-based
 * relevance); strategy selection's association of each behaviour with the KPI needs per-customer
 * behaviour scores and is null, with the reason, until they exist.
 */
import type { AnalysisResult } from '../domain/result.js';
import { twoProportionDesign } from '../models/stats/design.js';
import type { Store } from '../store/types.js';
import { hasTable } from './experiments/queries.js';
import { SEGMENT_TABLE } from './experiments/design.js';
import { CATALOGUE } from './catalogue.js';
import { computedMetric, derivedMetric } from './metrics.js';
import { higherOrder, OBJECTIVE_DEFINITIONS } from './objectives.js';
import { StrategyPlanSchema, type Metric, type ObjectiveName, type StrategyPlan } from './plan.js';

export const STRATEGY_DEFAULTS = { targetRelative: 0.1, selectSegments: 3, selectStrategies: 2, alpha: 0.05, power: 0.8 } as const;

export interface SegmentRow {
  segment: string;
  customers: number;
  relevance: number | null;
}

export interface SegmentsInput {
  status: 'ok' | 'no-segments';
  message: string | null;
  relevanceFormula: string;
  rows: SegmentRow[];
}

const NO_SEGMENTS: SegmentsInput = {
  status: 'no-segments',
  message: `no segments yet: the store has no ${SEGMENT_TABLE}(customer_id, segment) table (the segments step writes it); customer selection ranks segments once it exists`,
  relevanceFormula: '',
  rows: [],
};

/** Reads the store's segments ranked for the objective (SQL), or says there are none yet. */
export async function readSegments(store: Store, objective: ObjectiveName): Promise<SegmentsInput> {
  if (!(await hasTable(store, SEGMENT_TABLE, ['customer_id', 'segment']))) return NO_SEGMENTS;
  const clv = await hasTable(store, 'clv_scores', ['customer_id', 'clv', 'p_alive', 'x']);
  let relevance = 'NULL::DOUBLE';
  let formula = 'customers (no clv_scores table for an equity-based relevance)';
  if (clv && objective === 'reduce-attrition') {
    relevance = 'sum((1 - c.p_alive) * c.clv)';
    formula = 'Σ (1 − P(alive)) · CLV over the segment (customer_segments ⋈ clv_scores): equity at risk';
  } else if (clv && objective === 'increase-repeat') {
    relevance = 'sum(c.clv) FILTER (WHERE c.x = 0)';
    formula = 'Σ CLV of the segment\'s one-time buyers (customer_segments ⋈ clv_scores)';
  } else if (clv) {
    relevance = 'sum(c.clv)';
    formula = 'Σ CLV over the segment (customer_segments ⋈ clv_scores)';
  }
  const rows = await store.query(`
SELECT s.segment, count(DISTINCT s.customer_id) AS customers, ${relevance} AS relevance
FROM ${SEGMENT_TABLE} s ${clv ? 'LEFT JOIN clv_scores c ON c.customer_id = s.customer_id' : ''}
GROUP BY s.segment ORDER BY relevance DESC NULLS LAST, customers DESC, s.segment`);
  return {
    status: 'ok',
    message: null,
    relevanceFormula: formula,
    rows: rows.map((r) => ({ segment: String(r.segment), customers: Number(r.customers), relevance: r.relevance === null ? null : Number(r.relevance) })),
  };
}

/** Share of customers showing a behaviour: the largest share among its event types present in the log (a lower bound of the union). */
function prevalenceOf(result: AnalysisResult, types: readonly string[], strategy: string): Metric {
  const present = types.filter((t) => result.overview.eventsByType.some((e) => e.type === t));
  if (present.length === 0) {
    return computedMetric(`${strategy} prevalence`, null, `max over ${types.join(', ')} of overview.eventsByType[type].customers / overview.customers`, [],
      `no ${types.join(' / ')} events in the log`);
  }
  const paths = [...present.map((t) => `overview.eventsByType[type=${t}].customers`), 'overview.customers'];
  return derivedMetric(result, `${strategy} prevalence`, paths, `max(${present.map((t) => `overview.eventsByType[type=${t}].customers`).join(', ')}) / overview.customers`,
    (...v) => {
      const n = v[v.length - 1];
      return n > 0 ? Math.max(...v.slice(0, -1)) / n : null;
    }, 'no customers');
}

/** The plan for `objective` from an analysis result and the store's segments (if any). */
export function buildPlan(result: AnalysisResult, objective: ObjectiveName, segments: SegmentsInput = NO_SEGMENTS): StrategyPlan {
  const def = OBJECTIVE_DEFINITIONS[objective];
  const kpi = def.kpi(result);
  const equity = higherOrder(result);

  const seg = segments.rows.map((r, i) => ({
    segment: r.segment,
    customers: r.customers,
    relevance: computedMetric('relevance', r.relevance, segments.relevanceFormula, [], 'no CLV scores for the segment'),
    selected: i < STRATEGY_DEFAULTS.selectSegments,
  }));

  const strategies = CATALOGUE.map((c) => {
    const prevalence = prevalenceOf(result, c.eventTypes, c.strategy);
    const gap = computedMetric(`${c.strategy} gap`, prevalence.value === null ? null : 1 - prevalence.value, `1 − (${prevalence.formula})`, prevalence.inputs,
      prevalence.reason ?? 'no prevalence');
    return {
      strategy: c.strategy,
      prevalence,
      gap,
      association: computedMetric(`${c.strategy} association with the KPI`, null, 'difference in the KPI between customers with a high and a low behaviour score', [],
        'needs per-customer behaviour scores from the segments step (not in the store yet)'),
      fitsObjective: def.strategies.includes(c.strategy),
      selected: false,
      why: '',
    };
  });
  const candidates = strategies.filter((s) => s.fitsObjective && s.gap.value !== null).sort((a, b) => b.gap.value! - a.gap.value!);
  for (const s of candidates.slice(0, STRATEGY_DEFAULTS.selectStrategies)) s.selected = true;
  if (candidates.length === 0) strategies.find((s) => s.strategy === def.strategies[0])!.selected = true;
  for (const s of strategies) {
    s.why = !s.fitsObjective
      ? `does not act directly on "${def.title}"`
      : s.selected
        ? s.gap.value === null
          ? 'the objective\'s first strategy (no behaviour data in the log to rank by)'
          : `largest gaps among the objective's strategies: ${((s.gap.value) * 100).toFixed(1)}% of customers do not show it`
        : s.gap.value === null ? `no data: ${s.gap.reason}` : 'smaller gap than the selected strategies';
  }

  const selected = strategies.filter((s) => s.selected);
  const concepts = selected.flatMap((s) => CATALOGUE.find((c) => c.strategy === s.strategy)!.concepts.map((c) => ({
    strategy: s.strategy,
    concept: c.concept,
    guidingQuestion: c.guidingQuestion,
    evidence: [s.prevalence, kpi],
  })));

  const traffic = derivedMetric(result, 'customers per day', ['overview.customers', 'overview.span.days'], 'overview.customers / overview.span.days',
    (n, d) => (d > 0 ? n / d : null), 'the log spans no time');
  const impact = selected.map((s) => {
    const concept = CATALOGUE.find((c) => c.strategy === s.strategy)!.concepts[0].concept;
    const t = STRATEGY_DEFAULTS.targetRelative;
    const target = computedMetric('target (relative MDE)', kpi.value === null ? null : (def.higherIsBetter ? t : -t), `${def.higherIsBetter ? '+' : '−'}${t * 100}% of the baseline`, kpi.inputs, kpi.reason ?? 'no baseline');
    let perArm: number | null = null;
    let note: string | null = null;
    const b = kpi.value;
    if (b !== null && b > 0 && b < 1 && target.value !== null && b * (1 + target.value) > 0 && b * (1 + target.value) < 1) {
      perArm = twoProportionDesign({ baseline: b, mde: b * target.value, alpha: STRATEGY_DEFAULTS.alpha, power: STRATEGY_DEFAULTS.power }).perArm;
    } else {
      note = b === null ? (kpi.reason ?? 'no baseline') : `a baseline of ${b} leaves no room for a ${t * 100}% relative change`;
    }
    const designFormula = `two-proportion sample size (α = ${STRATEGY_DEFAULTS.alpha}, power ${STRATEGY_DEFAULTS.power}) for baseline → baseline·(1 + target)`;
    const perArmM = computedMetric('customers per arm', perArm, designFormula, kpi.inputs, note ?? 'no design');
    const totalM = computedMetric('customers in all', perArm === null ? null : 2 * perArm, '2 × customers per arm', kpi.inputs, note ?? 'no design');
    const days = perArm !== null && traffic.value !== null && traffic.value > 0 ? Math.ceil((2 * perArm) / traffic.value) : null;
    const daysM = computedMetric('days of traffic', days, 'ceil(customers in all / (overview.customers / overview.span.days))', [...kpi.inputs, ...traffic.inputs],
      traffic.reason ?? note ?? 'no design');
    const eq = equity.value !== null && target.value !== null && b !== null
      ? objective === 'reduce-attrition'
        ? equity.value * (Math.abs(target.value) * b) / Math.max(1e-12, 1 - b)
        : equity.value * Math.abs(target.value) * b
      : null;
    const eqFormula = objective === 'reduce-attrition'
      ? 'customer equity × (customers kept = |target| × lapsed share) / active share: equity grows with the active base'
      : 'customer equity × |target| × KPI: equity grows in proportion to the customers the KPI gains (an assumption, not a measurement)';
    return {
      strategy: s.strategy,
      concept,
      kpi: def.kpiDefinition,
      baseline: kpi,
      target,
      perArm: perArmM,
      total: totalM,
      days: daysM,
      equityChange: computedMetric('expected change in customer equity', eq, eqFormula, [...equity.inputs, ...kpi.inputs], equity.reason ?? kpi.reason ?? 'no equity'),
      note,
    };
  });

  const anyPrevalence = strategies.some((s) => s.prevalence.value !== null);
  return StrategyPlanSchema.parse({
    objective: { name: objective, title: def.title, kpi, kpiDefinition: def.kpiDefinition, higherOrder: equity, higherOrderDefinition: 'customer equity: Σ CLV over customers (clv section)' },
    customerSelection: { status: segments.status, message: segments.message, relevance: def.relevance, segments: seg },
    strategySelection: {
      status: anyPrevalence ? 'ok' : 'no-data',
      message: anyPrevalence ? null : 'the log has none of the behaviours\' event types',
      strategies,
      note: 'Gaps are shares of customers without the behaviour\'s events; associations with the KPI are associations, not causal effects.',
    },
    concepts,
    impact,
    generatedFrom: { schemaVersion: result.schemaVersion, generatedAt: result.generatedAt, store: result.store.location },
  });
}
