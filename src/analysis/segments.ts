/**
 * The "every customer's next action" step: customer table → behaviour scores → thin segments →
 * experiences → actions, all in the store (tables customer_facts, customer_item_facts,
 * customer_behaviours, customer_segments, customer_experiences, customer_actions; view customer_table),
 * reported as three sections of the analysis result: behaviours, segments, experiences.
 * Runs after the CLV and network steps so their per-customer tables join in; without them the CLV and
 * network columns are null and the sections say so.
 */
import type { Warning } from '../domain/result.js';
import { BehavioursSectionSchema, type BehavioursSection } from '../domain/sections/behaviours.js';
import { SegmentsSectionSchema, type SegmentsSection } from '../domain/sections/segments.js';
import { ExperiencesSectionSchema, EXPERIENCE_NAMES, type ExperiencesSection } from '../domain/sections/experiences.js';
import type { Store } from '../store/types.js';
import { dialectOf } from '../sql/dialect.js';
import { buildCustomerFacts, CLV_SCORES_TABLE, CUSTOMER_FACTS_TABLE, CUSTOMER_ITEMS_TABLE, NETWORK_SCORES_TABLE, tableExists, type FactsInfo } from '../segments/facts.js';
import { runClvSection } from './clv.js';
import { BEHAVIOUR_DEFAULTS, BEHAVIOURS_TABLE, scoreBehaviours } from '../segments/behaviours.js';
import { SEGMENTS_TABLE, segmentCustomers, type SegmentationResult } from '../segments/segments.js';
import { evaluateRules, type RuleSet } from '../segments/rules.js';
import { assignExperiences, EXPERIENCE_DEFAULTS, EXPERIENCES_TABLE } from '../experiences/assign.js';
import { actionAssumptions, ACTIONS_TABLE, buildActions, ACTION_DEFAULTS } from '../experiences/actions.js';
import { writeActionInputs } from '../experiences/recommend/step.js';

export interface SegmentsStepOptions {
  onProgress?: (step: string) => void;
  rules?: RuleSet;
  segments?: Parameters<typeof segmentCustomers>[3];
  experiences?: Partial<typeof EXPERIENCE_DEFAULTS>;
  topActions?: number;
}

export interface SegmentsStepResult {
  info: FactsInfo;
  behaviours: BehavioursSection;
  segments: SegmentsSection;
  experiences: ExperiencesSection;
}

const num = (x: unknown): number | null => (x === null || x === undefined || !Number.isFinite(Number(x)) ? null : Number(x));
const day = (d: unknown): string | null => (d instanceof Date ? d.toISOString().slice(0, 10) : d == null ? null : String(d).slice(0, 10));

export const EXPERIENCE_RULES: readonly string[] = [
  'none: fewer than 3 events; or no purchase and nothing left in a cart or wishlist; or churned (P(alive) < 0.02 and no event for 180 days)',
  'automate (automatic execution): an item bought on at least 3 days at regular intervals (coefficient of variation of the intervals ≤ 0.35)',
  'respond (respond to desire): at least 2 purchases straight after a search, and at least 30% of purchases',
  'coach (coach behaviour): at least 2 items carted and never bought, or lapsing (P(alive) < 0.5) with CLV at or above the buyers\' median',
  'curate (curated offering): at least 2.5 views per buying session; also the default for a buyer with no strong signal',
  'a non-buyer with saved or carted items and no other signal: coach (a nudge toward a first purchase)',
];

/** Runs the whole step; the sections are schema-checked. */
export async function runSegmentsStep(store: Store, opts: SegmentsStepOptions, warnings: Warning[]): Promise<SegmentsStepResult> {
  opts.onProgress?.('customer table');
  const info = await buildCustomerFacts(store);
  opts.onProgress?.('behaviours');
  const availability = await scoreBehaviours(store, info);
  for (const a of availability) if (!a.available && info.customers > 0) warnings.push({ section: 'behaviours', message: `${a.behaviour}: null for every customer: ${a.reason}` });
  // customers per tenth of each behaviour's 0–100 score (the top bin holds 100), one portable query per behaviour
  const bins: Record<string, number[]> = {};
  for (const a of availability) {
    bins[a.behaviour] = new Array<number>(10).fill(0);
    if (!a.available) continue;
    const rows = await store.query<{ bin: number; n: number }>(`
      SELECT bin, count(*) AS n FROM (SELECT CAST(least(floor(${a.behaviour} / 10), 9) AS ${dialectOf(store).types.int}) AS bin FROM ${BEHAVIOURS_TABLE} WHERE ${a.behaviour} IS NOT NULL) b0 GROUP BY bin`);
    for (const r of rows) bins[a.behaviour][Number(r.bin)] = Number(r.n);
  }
  const behaviours = BehavioursSectionSchema.parse({
    status: info.customers > 0 ? 'ok' : 'empty',
    message: info.customers > 0 ? null : 'the store has no customers',
    scoring: `each behaviour: the customer's events that express it per week observed (first event to the end of the data), shrunk toward the brand's rate with a prior of ${BEHAVIOUR_DEFAULTS.priorWeeks} weeks, scored as the mid-percentile among customers (0–100; the brand average is 50)`,
    priorWeeks: BEHAVIOUR_DEFAULTS.priorWeeks,
    customers: info.customers,
    behaviours: availability.map((a) => ({
      behaviour: a.behaviour, rule: a.rule, available: a.available, reason: a.reason, events: a.events, brandRatePerWeek: a.brandRatePerWeek,
      distribution: a.available && info.customers > 0 ? bins[a.behaviour].map((n, i) => ({ from: i * 10, to: (i + 1) * 10, customers: n })) : [],
    })),
    tables: { facts: CUSTOMER_FACTS_TABLE, items: CUSTOMER_ITEMS_TABLE, behaviours: BEHAVIOURS_TABLE },
  });

  opts.onProgress?.('segments');
  const seg: SegmentationResult = await segmentCustomers(store, info, availability, opts.segments);
  if (seg.message) warnings.push({ section: 'segments', message: seg.message });
  if (!info.hasClv && info.customers > 0) warnings.push({ section: 'segments', message: 'no clv_scores table: segment equity, mean CLV and value at risk are null (run the CLV step first)' });
  const ruleSegments = opts.rules ? await evaluateRules(store, opts.rules, info.hasClv) : [];
  const segments = SegmentsSectionSchema.parse({ ...seg, ruleSegments, table: SEGMENTS_TABLE });

  opts.onProgress?.('recommendations and replenishment');
  await writeActionInputs(store, warnings);
  opts.onProgress?.('experiences');
  await assignExperiences(store, info, opts.experiences);
  const sources = await buildActions(store, info);
  const experiences = await experiencesSection(store, info, sources, opts.topActions ?? 20, opts.experiences);
  return { info, behaviours, segments, experiences };
}

async function experiencesSection(store: Store, info: FactsInfo, sources: { recommendations: boolean; replenishment: boolean }, top: number, eopts?: Partial<typeof EXPERIENCE_DEFAULTS>): Promise<ExperiencesSection> {
  const e = { ...EXPERIENCE_DEFAULTS, ...eopts };
  const by = await store.query<Record<string, unknown>>(`SELECT experience, count(*) AS n, sum(expected_value) AS ev FROM ${ACTIONS_TABLE} GROUP BY experience`);
  const total = by.reduce((s, r) => s + Number(r.n), 0);
  const byExperience = EXPERIENCE_NAMES.map((x) => {
    const r = by.find((b) => b.experience === x);
    const n = r ? Number(r.n) : 0;
    const ev = r ? num(r.ev) ?? 0 : 0;
    return { experience: x, customers: n, share: total ? n / total : 0, expectedValue: ev, meanExpectedValue: n ? ev / n : null };
  });
  const bySegment = (await store.query<Record<string, unknown>>(`SELECT segment, experience, count(*) AS n FROM ${ACTIONS_TABLE} GROUP BY segment, experience ORDER BY segment, experience`))
    .map((r) => ({ segment: String(r.segment), experience: String(r.experience) as (typeof EXPERIENCE_NAMES)[number], customers: Number(r.n) }));
  const topRows = await store.query<Record<string, unknown>>(`SELECT * FROM ${ACTIONS_TABLE} WHERE experience <> 'none' ORDER BY expected_value DESC, customer_id LIMIT ${top}`);
  const [enough] = await store.query<{ n: number }>(`SELECT ${dialectOf(store).countIf('enough_data')} AS n FROM ${EXPERIENCES_TABLE}`);
  return ExperiencesSectionSchema.parse({
    status: total > 0 ? 'ok' : 'empty',
    message: total > 0 ? null : 'the store has no customers',
    rules: EXPERIENCE_RULES,
    assumptions: [...actionAssumptions(ACTION_DEFAULTS.lift), sources.recommendations ? 'curate items: the recommendations table' : 'curate items: no recommendations table, so the brand\'s most bought items the customer has not bought', sources.replenishment ? 'automate dates: the replenishment table' : 'automate dates: no replenishment table, so each regular item\'s mean interval ± 1.28 sd'],
    enoughData: { definition: `observed at least ${e.enoughWeeks} weeks (first event to the end of the data) and at least ${e.enoughEvents} events`, customers: Number(enough?.n ?? 0) },
    sources,
    customers: total,
    byExperience,
    bySegment,
    topActions: topRows.map(actionRow),
    table: ACTIONS_TABLE,
  });
}

export function actionRow(r: Record<string, unknown>): ExperiencesSection['topActions'][number] {
  return {
    customerId: String(r.customer_id), segment: String(r.segment), experience: String(r.experience) as (typeof EXPERIENCE_NAMES)[number],
    action: String(r.action), items: r.items == null ? null : String(r.items), due: day(r.due), expectedValue: num(r.expected_value) ?? 0, reason: String(r.reason),
  };
}

/**
 * For the CLI commands (segments, actions, customer): scores CLV first when the store has no
 * clv_scores yet (the CLV section's fit), then runs the step. network_scores is used when present
 * (spiral network or spiral analyze writes it); without it a warning says so.
 */
export async function runSegmentsWithClv(store: Store, opts: SegmentsStepOptions, warnings: Warning[]): Promise<SegmentsStepResult> {
  if (!(await tableExists(store, CLV_SCORES_TABLE))) {
    opts.onProgress?.('clv');
    await runClvSection(store, opts, warnings);
  }
  if (!(await tableExists(store, NETWORK_SCORES_TABLE))) {
    warnings.push({ section: 'segments', message: 'no network_scores table: network position is not used (run spiral network or spiral analyze first)' });
  }
  return runSegmentsStep(store, opts, warnings);
}
