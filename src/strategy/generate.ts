/**
 * The strategy generator: from an analysis result to a five-step plan. Every number is a Metric
 * naming the result fields it comes from; steps without data say why instead of inventing numbers.
 *
 * Customer selection ranks the k-means segments of the result's segments section by the objective's
 * relevance, with barriers from the strategy section's per-segment evidence (selection.ts); strategy
 * selection weighs each behaviour's gap in the selected segments by its measured association with the
 * KPI (strategy.associations). A caller passing its own ranking (readSegments, hand-made rows) gets
 * that ranking; a result without those sections gets prevalence-based gaps only.
 */
import { dialectOf } from '../sql/dialect.js';
import { TABLES } from '../sql/tables.js';
import type { AnalysisResult } from '../domain/result.js';
import { twoProportionDesign } from '../models/stats/design.js';
import type { Store } from '../store/types.js';
import { hasTable } from './experiments/queries.js';
import { SEGMENT_TABLE } from './experiments/design.js';
import { CATALOGUE } from './catalogue.js';
import { computedMetric, derivedMetric } from './metrics.js';
import { higherOrder, OBJECTIVE_DEFINITIONS } from './objectives.js';
import { StrategyPlanSchema, type Metric, type ObjectiveName, type StrategyName, type StrategyPlan } from './plan.js';
import { scoreStrategy, selectSegments } from './selection.js';

/** The computed experiences (customer_actions) a strategy's concepts build on. */
const EXPERIENCES_OF: Readonly<Record<StrategyName, readonly ('respond' | 'curate' | 'coach' | 'automate')[]>> = {
  access: ['respond', 'automate'], engage: ['coach'], customize: ['curate'], connect: [], collaborate: [],
};

export const STRATEGY_DEFAULTS = { targetRelative: 0.1, selectSegments: 3, selectStrategies: 2, alpha: 0.05, power: 0.8 } as const;

export interface SegmentRow {
  segment: string;
  customers: number;
  relevance: number | null;
  /** The segments section's name, when known. */
  name?: string;
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

/**
 * Reads the store's segments ranked for the objective (SQL), or says there are none yet. The plan
 * itself ranks the result's segments section (buildPlan without this input); this is for callers that
 * only have a store.
 */
export async function readSegments(store: Store, objective: ObjectiveName): Promise<SegmentsInput> {
  if (!(await hasTable(store, SEGMENT_TABLE, ['customer_id', 'segment']))) return NO_SEGMENTS;
  const clv = await hasTable(store, TABLES.clvScores, ['customer_id', 'clv', 'p_alive', 'x']);
  const d = dialectOf(store);
  let relevance = d.nullDouble;
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
SELECT s.segment AS segment, count(DISTINCT s.customer_id) AS customers, ${relevance} AS relevance
FROM ${SEGMENT_TABLE} s ${clv ? `LEFT JOIN ${TABLES.clvScores} c ON c.customer_id = s.customer_id` : ''}
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

  // Customer selection: a ranking the caller gives (readSegments, hand-made rows), else the result's
  // segments (segments + strategy sections).
  const fromResult = segments.status !== 'ok' && result.segments !== undefined && result.strategy !== undefined && result.strategy.status === 'ok';
  const seg = fromResult
    ? selectSegments(result, objective, STRATEGY_DEFAULTS.selectSegments)
    : segments.rows.map((r, i) => ({
      segment: r.segment,
      customers: r.customers,
      relevance: computedMetric('relevance', r.relevance, segments.relevanceFormula, [], 'no CLV scores for the segment'),
      selected: i < STRATEGY_DEFAULTS.selectSegments,
      name: r.name ?? r.segment,
      equity: computedMetric('segment equity', null, 'segments section', [], 'not in the given segment rows'),
      atRisk: computedMetric('equity at risk', null, 'segments section', [], 'not in the given segment rows'),
      uniqueObjective: `${def.title.toLowerCase()} among the ${r.customers} customers of segment ${r.segment}`,
      valueProposition: 'no behaviour scores for the segment in the analysis result',
      barriers: [],
    }));
  const selectedIds = fromResult ? seg.filter((s) => s.selected).map((s) => Number(s.segment)) : [];

  const strategies = CATALOGUE.map((c) => {
    const prevalence = prevalenceOf(result, c.eventTypes, c.strategy);
    const gap = computedMetric(`${c.strategy} gap`, prevalence.value === null ? null : 1 - prevalence.value, `1 − (${prevalence.formula})`, prevalence.inputs,
      prevalence.reason ?? 'no prevalence');
    const sc = scoreStrategy(result, objective, c.strategy, selectedIds);
    return {
      strategy: c.strategy,
      prevalence,
      gap,
      association: sc.association,
      fitsObjective: def.strategies.includes(c.strategy),
      selected: false,
      why: '',
      associationLower: sc.lower,
      associationUpper: sc.upper,
      associationOverlap: sc.overlap,
      segmentGap: sc.segmentGap,
      score: sc.score,
    };
  });
  // Measured: behaviours whose association with the KPI points the objective's way with a 95% interval
  // excluding zero, ranked by gap × association; the objective's own strategies by gap fill the rest.
  const sign = def.higherIsBetter ? 1 : -1;
  const measured = strategies.filter((s) => s.score.value !== null && s.score.value > 0 && s.associationLower.value !== null && s.associationUpper.value !== null
    && (sign > 0 ? s.associationLower.value > 0 : s.associationUpper.value < 0)).sort((a, b) => b.score.value! - a.score.value!);
  for (const s of measured.slice(0, STRATEGY_DEFAULTS.selectStrategies)) s.selected = true;
  const candidates = strategies.filter((s) => !s.selected && s.fitsObjective && s.gap.value !== null).sort((a, b) => b.gap.value! - a.gap.value!);
  for (const s of candidates.slice(0, Math.max(0, STRATEGY_DEFAULTS.selectStrategies - measured.length))) s.selected = true;
  if (!strategies.some((s) => s.selected)) strategies.find((s) => s.strategy === def.strategies[0])!.selected = true;
  const isMeasured = new Set(measured.slice(0, STRATEGY_DEFAULTS.selectStrategies).map((s) => s.strategy));
  for (const s of strategies) {
    const assoc = s.association.value === null ? '' : `; association ${(s.association.value * 100).toFixed(1)} points (95% ${(s.associationLower.value! * 100).toFixed(1)} … ${(s.associationUpper.value! * 100).toFixed(1)})${s.associationOverlap ? ', partly by construction: the score counts the KPI\'s own events' : ''}`;
    s.why = isMeasured.has(s.strategy)
      ? `largest gap × association: the selected segments are ${(s.segmentGap.value! * 100).toFixed(0)}% from the top of ${s.strategy}${assoc}`
      : !s.fitsObjective
        ? `does not act directly on "${def.title}"${s.selected ? '' : assoc}`
        : s.selected
          ? s.gap.value === null
            ? 'the objective\'s first strategy (no behaviour data in the log to rank by)'
            : `largest gaps among the objective's strategies: ${((s.gap.value) * 100).toFixed(1)}% of customers do not show it${assoc}`
          : s.gap.value === null ? `no data: ${s.gap.reason}` : `smaller gap × association than the selected strategies${assoc}`;
  }

  const selected = strategies.filter((s) => s.selected);
  const chosen = seg.filter((s) => s.selected);
  const chosenCustomers = chosen.reduce((a, s) => a + s.customers, 0);
  const concepts = selected.flatMap((s) => CATALOGUE.find((c) => c.strategy === s.strategy)!.concepts.map((c) => {
    const exps = EXPERIENCES_OF[s.strategy];
    const names = new Set(chosen.map((x) => x.name));
    const actions = exps.map((experience) => ({
      experience,
      customers: (result.experiences?.bySegment ?? []).filter((b) => b.experience === experience && names.has(b.segment)).reduce((a, b) => a + b.customers, 0),
    }));
    const who = chosen.length ? `${chosenCustomers.toLocaleString('en-US')} customers of ${chosen.map((x) => `"${x.name}"`).join(', ')}` : 'all customers (no segments)';
    const gapText = s.segmentGap.value === null ? '' : `, ${(s.segmentGap.value * 100).toFixed(0)}% from the top of ${s.strategy}`;
    const actText = actions.filter((a) => a.customers > 0).map((a) => `${a.customers.toLocaleString('en-US')} ${a.experience} actions already computed (customer_actions)`).join('; ');
    return {
      strategy: s.strategy,
      concept: c.concept,
      guidingQuestion: c.guidingQuestion,
      evidence: [s.prevalence, kpi, ...(s.association.value === null ? [] : [s.association]), ...(s.segmentGap.value === null ? [] : [s.segmentGap])],
      detail: `${s.strategy}: ${c.concept} for ${who}${gapText}${actText ? `; ${actText}` : ''}`,
      actions,
    };
  }));

  const traffic = derivedMetric(result, 'customers per day', ['overview.customers', 'overview.span.days'], 'overview.customers / overview.span.days',
    (n, d) => (d > 0 ? n / d : null), 'the log spans no time');
  // The selected segments' own traffic: their customers over the days the log spans.
  const segPaths = fromResult ? chosen.map((c) => `strategy.segments[id=${c.segment}].customers`) : [];
  const segTraffic = segPaths.length
    ? derivedMetric(result, 'selected segments\' customers per day', [...segPaths, 'overview.span.days'], `(${segPaths.join(' + ')}) / overview.span.days`,
      (...v) => { const d = v[v.length - 1]; return d > 0 ? v.slice(0, -1).reduce((a, x) => a + x, 0) / d : null; }, 'the log spans no time')
    : null;
  const segmentDays = (perArm: number | null, note: string | null): Metric => segTraffic === null
    ? computedMetric('days of the selected segments\' traffic', null, 'ceil(customers in all / selected segments\' customers per day)', [], 'no segments selected')
    : computedMetric('days of the selected segments\' traffic', perArm !== null && segTraffic.value !== null && segTraffic.value > 0 ? Math.ceil((2 * perArm) / segTraffic.value) : null,
      `ceil(customers in all / (${segTraffic.formula}))`, [...kpi.inputs, ...segTraffic.inputs], segTraffic.reason ?? note ?? 'no design');
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
      segmentDays: segmentDays(perArm, note),
    };
  });

  const anyPrevalence = strategies.some((s) => s.prevalence.value !== null);
  const noSegments = !fromResult && segments.status !== 'ok';
  return StrategyPlanSchema.parse({
    objective: { name: objective, title: def.title, kpi, kpiDefinition: def.kpiDefinition, higherOrder: equity, higherOrderDefinition: 'customer equity: Σ CLV over customers (clv section)' },
    customerSelection: {
      status: fromResult ? 'ok' : segments.status,
      message: fromResult ? null : noSegments && result.segments !== undefined && result.strategy === undefined ? 'the analysis result has segments but no strategy section' : segments.message,
      relevance: def.relevance,
      segments: seg,
    },
    strategySelection: {
      status: anyPrevalence ? 'ok' : 'no-data',
      message: anyPrevalence ? null : 'the log has none of the behaviours\' event types',
      strategies,
      note: 'Gaps are shares of customers without the behaviour\'s events; segment gaps are 1 − the selected segments\' mean behaviour score / 100; associations with the KPI (top − bottom behaviour-score quartile, 95% interval) are associations, not causal effects: customers who show a behaviour differ in many ways.',
    },
    concepts,
    impact,
    generatedFrom: { schemaVersion: result.schemaVersion, generatedAt: result.generatedAt, store: result.store.location },
  });
}
