/**
 * The objectives a plan can start from: each names a direct KPI and a higher-order objective
 * (customer equity), both read from the analysis result, and the behaviour strategies that act on it.
 */
import type { AnalysisResult } from '../domain/result.js';
import { derivedMetric, fieldMetric } from './metrics.js';
import type { Metric, ObjectiveName, StrategyName } from './plan.js';

export interface ObjectiveDefinition {
  name: ObjectiveName;
  title: string;
  kpiDefinition: string;
  /** Whether a higher KPI is better (attrition, service time: lower is better). */
  higherIsBetter: boolean;
  /** Whether the KPI is a share (a two-proportion design applies). */
  proportion: boolean;
  strategies: readonly StrategyName[];
  kpi(result: AnalysisResult): Metric;
  /** How segments are ranked for this objective, in words (used once segments exist). */
  relevance: string;
}

const NO_CLV = 'no CLV in the analysis result (needs purchases: run spiral analyze on a store with purchase events)';
const typeCustomers = (type: string) => `overview.eventsByType[type=${type}].customers`;

function shareOfCustomers(result: AnalysisResult, label: string, type: string): Metric {
  return derivedMetric(result, label, [typeCustomers(type), 'overview.customers'], `${typeCustomers(type)} / overview.customers`,
    (a, n) => (n > 0 ? a / n : null), `no ${type} events in the log`);
}

export const OBJECTIVE_DEFINITIONS: Readonly<Record<ObjectiveName, ObjectiveDefinition>> = {
  'reduce-attrition': {
    name: 'reduce-attrition',
    title: 'Reduce attrition',
    kpiDefinition: 'expected share of customers lapsed: 1 − Σ P(alive) / customers (CLV model)',
    higherIsBetter: false,
    proportion: true,
    strategies: ['engage', 'customize', 'connect'],
    kpi: (r) => derivedMetric(r, 'Expected lapsed share', ['clv.equity.expectedActive', 'clv.customers'], '1 − clv.equity.expectedActive / clv.customers',
      (a, n) => (n > 0 ? 1 - a / n : null), NO_CLV),
    relevance: 'equity at risk: Σ (1 − P(alive)) · CLV over the segment\'s customers',
  },
  'increase-repeat': {
    name: 'increase-repeat',
    title: 'Increase repeat purchase',
    kpiDefinition: 'repeat rate: share of purchasers who bought on more than one day',
    higherIsBetter: true,
    proportion: true,
    strategies: ['access', 'customize', 'engage'],
    kpi: (r) => fieldMetric(r, 'overview.repeatRate', 'Repeat rate', 'nobody bought: no repeat rate'),
    relevance: 'purchasers who bought once × mean CLV',
  },
  'grow-referrals': {
    name: 'grow-referrals',
    title: 'Grow referrals',
    kpiDefinition: 'share of customers who referred someone (referral events)',
    higherIsBetter: true,
    proportion: true,
    strategies: ['connect', 'collaborate', 'engage'],
    kpi: (r) => shareOfCustomers(r, 'Share of customers who referred', 'referral'),
    relevance: 'network reach × (1 − connect score)',
  },
  'grow-flow': {
    name: 'grow-flow',
    title: 'Grow brand flow (spontaneous actions)',
    kpiDefinition: 'share of customers with a spontaneous action (brand flow customers / customers)',
    higherIsBetter: true,
    proportion: true,
    strategies: ['connect', 'engage', 'collaborate'],
    kpi: (r) => derivedMetric(r, 'Share of customers in the brand flow', ['brand.totals.flowCustomers', 'brand.totals.customers'],
      'brand.totals.flowCustomers / brand.totals.customers', (f, n) => (n > 0 ? f / n : null), 'no brand section (needs events with timestamps)'),
    relevance: 'customers × (1 − flow share) of the segment',
  },
  'launch-idea': {
    name: 'launch-idea',
    title: 'Launch an idea (co-creation)',
    kpiDefinition: 'share of customers who contributed an idea or a vote',
    higherIsBetter: true,
    proportion: true,
    strategies: ['collaborate', 'connect', 'engage'],
    kpi: (r) => {
      const v = shareOfCustomers(r, 'Share of customers who voted', 'vote');
      return v.value !== null ? v : shareOfCustomers(r, 'Share of customers who posted an idea', 'idea');
    },
    relevance: 'customers with ideas or votes × CLV',
  },
  'faster-service': {
    name: 'faster-service',
    title: 'Faster service (support)',
    kpiDefinition: 'share of customers who answered another customer (support events)',
    higherIsBetter: true,
    proportion: true,
    strategies: ['connect', 'collaborate', 'access'],
    kpi: (r) => shareOfCustomers(r, 'Share of customers giving support', 'support'),
    relevance: 'customers with support events × CLV',
  },
};

/** Customer equity, the higher-order objective of every plan. */
export function higherOrder(result: AnalysisResult): Metric {
  return fieldMetric(result, 'clv.equity.customerEquity', 'Customer equity', NO_CLV);
}
