/**
 * Steps 2 and 3 of the plan on the analysis result's segments and strategy sections:
 * customer selection ranks the k-means segments by the objective's relevance (each number a field
 * of the result), with each segment's barriers from its behaviour gaps, funnel drop-off, complaint
 * topics and journey times; strategy selection weighs each behaviour's gap in the selected segments
 * by its measured association with the objective's KPI.
 */
import type { AnalysisResult } from '../domain/result.js';
import type { SegmentEvidence } from '../domain/sections/strategy.js';
import { KPI_OF_OBJECTIVE } from './evidence.js';
import { computedMetric, derivedMetric, fieldAt, fieldMetric } from './metrics.js';
import { OBJECTIVE_DEFINITIONS } from './objectives.js';
import type { Metric, ObjectiveName, StrategyName, StrategyPlan } from './plan.js';

type PlanSegment = StrategyPlan['customerSelection']['segments'][number];
type Barrier = PlanSegment['barriers'][number];

const seg = (id: number) => `segments.segments[id=${id}]`;
const ev = (id: number) => `strategy.segments[id=${id}]`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** The objective's relevance of one segment, as a metric over result fields. */
export function relevanceOf(result: AnalysisResult, objective: ObjectiveName, id: number): Metric {
  const noClv = 'no CLV scores for the segment (run the CLV step: purchases needed)';
  switch (objective) {
    case 'reduce-attrition':
      return fieldMetric(result, `${seg(id)}.atRisk`, 'relevance: equity at risk', noClv);
    case 'increase-repeat':
      return fieldMetric(result, `${ev(id)}.oneTimeClv`, 'relevance: CLV of one-time buyers', noClv);
    case 'grow-referrals': {
      const reach = fieldAt(result, `${ev(id)}.reach`);
      const base = typeof reach === 'number' ? `${ev(id)}.reach` : `${ev(id)}.customers`;
      return derivedMetric(result, 'relevance: reach × (1 − connect score)', [base, `${ev(id)}.scores.connect`],
        `${base} × (1 − ${ev(id)}.scores.connect / 100)${base.endsWith('customers') ? ' (no network scores: customers stand for reach)' : ''}`,
        (r, c) => r * (1 - c / 100), 'no connect score (the log has no share, review, mention, follow or support events)');
    }
    case 'grow-flow':
      return derivedMetric(result, 'relevance: customers outside the flow', [`${ev(id)}.customers`, `${ev(id)}.flowShare`],
        `${ev(id)}.customers × (1 − ${ev(id)}.flowShare)`, (n, f) => n * (1 - f), 'no customers');
    case 'launch-idea':
      return fieldMetric(result, `${ev(id)}.contributorClv`, 'relevance: CLV of contributors', noClv);
    case 'faster-service':
      return fieldMetric(result, `${ev(id)}.supportClv`, 'relevance: CLV of supporters', noClv);
  }
}

function barriersOf(result: AnalysisResult, e: SegmentEvidence): Barrier[] {
  const s = result.segments!.segments.find((x) => x.id === e.id);
  const out: Barrier[] = [];
  for (const g of s?.gaps ?? []) {
    const p = `${seg(e.id)}.gaps[behaviour=${g.behaviour}]`;
    out.push({
      kind: 'behaviour-gap',
      text: `${g.behaviour} score ${fmt(g.segmentMean, 1)} vs the brand's ${fmt(g.brandMean, 1)} (Cohen's d ${fmt(g.effectSize, 2)})`,
      evidence: [fieldMetric(result, `${p}.segmentMean`, `${g.behaviour} score`, 'no score'), fieldMetric(result, `${p}.effectSize`, "Cohen's d", 'no score')],
    });
  }
  if (e.funnel.rate !== null && e.funnel.dropFrom && e.funnel.dropTo) {
    out.push({
      kind: 'funnel',
      text: `weakest funnel step ${e.funnel.dropFrom} → ${e.funnel.dropTo}: ${pct(e.funnel.rate)} continue`,
      evidence: [fieldMetric(result, `${ev(e.id)}.funnel.rate`, 'funnel step conversion rate', 'no funnel')],
    });
  }
  if (e.complaints && e.complaints.terms.length > 0) {
    out.push({
      kind: 'complaints',
      text: `complaint topics in ${fmt(e.complaints.negative)} negative texts: ${e.complaints.terms.map((t) => `"${t.term}" (${t.docs}, lift ${fmt(t.lift, 1)})`).join(', ')}`,
      evidence: [fieldMetric(result, `${ev(e.id)}.complaints.negative`, 'negative texts', 'no texts')],
    });
  }
  const j = e.journey;
  if (j.toFirstPurchaseDays !== null || j.betweenPurchasesDays !== null) {
    const parts = [
      j.toFirstPurchaseDays !== null ? `median ${fmt(j.toFirstPurchaseDays, 1)} days from the first event to the first purchase` : null,
      j.betweenPurchasesDays !== null ? `${fmt(j.betweenPurchasesDays, 1)} days between purchases` : null,
      j.sinceLastEventDays !== null ? `${fmt(j.sinceLastEventDays, 1)} days since the last event` : null,
    ].filter((x) => x !== null);
    out.push({
      kind: 'journey',
      text: parts.join('; '),
      evidence: (['toFirstPurchaseDays', 'betweenPurchasesDays', 'sinceLastEventDays'] as const).filter((k) => j[k] !== null)
        .map((k) => fieldMetric(result, `${ev(e.id)}.journey.${k}`, `median days (${k})`, 'no purchases')),
    });
  }
  return out;
}

/** Customer selection from the result's segments and strategy sections: ranked, top `select` selected, each with its barriers. */
export function selectSegments(result: AnalysisResult, objective: ObjectiveName, select: number): PlanSegment[] {
  const def = OBJECTIVE_DEFINITIONS[objective];
  const evidence = result.strategy?.segments ?? [];
  const ranked = evidence.map((e) => ({ e, relevance: relevanceOf(result, objective, e.id) }))
    .sort((a, b) => (b.relevance.value ?? -Infinity) - (a.relevance.value ?? -Infinity) || b.e.customers - a.e.customers || a.e.id - b.e.id);
  return ranked.map(({ e, relevance }, i) => {
    const top = (Object.entries(e.scores) as [StrategyName, number | null][]).filter(([, v]) => v !== null).sort((a, b) => b[1]! - a[1]!)[0];
    const kpi = KPI_OF_OBJECTIVE[objective];
    const kpiValue = { lapsed: e.lapsedShare, repeat: e.repeatRate, referred: e.referrerShare, flow: e.flowShare, contributed: e.contributorShare, support: e.supportShare }[kpi];
    const kpiField = { lapsed: 'lapsedShare', repeat: 'repeatRate', referred: 'referrerShare', flow: 'flowShare', contributed: 'contributorShare', support: 'supportShare' }[kpi];
    return {
      segment: String(e.id),
      customers: e.customers,
      relevance,
      selected: i < select,
      name: e.name,
      equity: fieldMetric(result, `${seg(e.id)}.equity`, 'segment equity', 'no CLV scores'),
      atRisk: fieldMetric(result, `${seg(e.id)}.atRisk`, 'equity at risk', 'no CLV scores'),
      uniqueObjective: `${def.title.toLowerCase()} among ${fmt(e.customers)} "${e.name}" customers: ${kpi} ${kpiValue === null ? '— (not measured)' : pct(kpiValue)} today (${ev(e.id)}.${kpiField})`,
      valueProposition: top
        ? `build on what they already do most (${top[0]}, mean score ${fmt(top[1]!, 1)}) to close their gaps`
        : 'no behaviour scores: start from their purchases',
      barriers: barriersOf(result, e),
    };
  });
}

export interface StrategyScore {
  association: Metric;
  lower: Metric;
  upper: Metric;
  overlap: boolean;
  segmentGap: Metric;
  score: Metric;
}

/** A behaviour's measured association with the objective's KPI and its gap in the selected segments. */
export function scoreStrategy(result: AnalysisResult, objective: ObjectiveName, strategy: StrategyName, selectedIds: number[]): StrategyScore {
  const kpi = KPI_OF_OBJECTIVE[objective];
  const def = OBJECTIVE_DEFINITIONS[objective];
  const a = result.strategy?.associations.find((x) => x.behaviour === strategy && x.kpi === kpi);
  const path = `strategy.associations[key=${strategy}:${kpi}]`;
  const reason = a?.reason ?? 'needs the strategy section (per-customer behaviour scores from the segments step)';
  const association = fieldMetric(result, `${path}.difference`, `${strategy} association with the KPI`, reason);
  association.formula = `${path}.difference: mean ${kpi} in the top ${strategy}-score quartile − in the bottom one (association, not causation)`;
  const lower = fieldMetric(result, `${path}.lower`, 'association 95% lower bound', reason);
  const upper = fieldMetric(result, `${path}.upper`, 'association 95% upper bound', reason);
  const paths = selectedIds.map((id) => `${ev(id)}.scores.${strategy}`);
  const segmentGap = paths.length === 0
    ? computedMetric(`${strategy} gap in the selected segments`, null, '1 − mean score / 100', [], 'no segments selected')
    : derivedMetric(result, `${strategy} gap in the selected segments`, paths, `1 − mean(${paths.join(', ')}) / 100`,
      (...v) => 1 - v.reduce((s, x) => s + x, 0) / v.length / 100, `no ${strategy} score (the log lacks its events)`);
  const sign = def.higherIsBetter ? 1 : -1;
  const v = segmentGap.value !== null && association.value !== null ? segmentGap.value * sign * association.value : null;
  const score = computedMetric(`${strategy} gap × association`, v, `segment gap × ${sign < 0 ? '−' : ''}association (the KPI ${def.higherIsBetter ? 'rises' : 'falls'} when the objective is met)`,
    [...segmentGap.inputs, ...association.inputs], segmentGap.reason ?? association.reason ?? 'no score');
  return { association, lower, upper, overlap: a?.overlap ?? false, segmentGap, score };
}
