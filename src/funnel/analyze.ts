/**
 * The networked funnel and paths to value over a store: SQL builds the per-customer stage table,
 * the touches and the journeys (TEMP tables); only aggregates come back — stage counts, the
 * conversion table, the distinct touch paths with their counts, the path and link counts — and the
 * attribution models and effect estimates run on those (./attribution.ts).
 */
import type { Store } from '../store/types.js';
import { InvalidArgumentsError } from '../models/numeric/errors.js';
import { FUNNEL_STAGES, type FunnelSection } from '../domain/sections/funnel.js';
import { markovAttribution, shapleyAttribution, touchEffect, type PathCell } from './attribution.js';
import { buildJourneys, journeyLinks, phaseTimes, topPaths, JOURNEYS_TABLE, type LinkCount } from './paths.js';
import { buildCustomers, conversionTable, stageCounts, stepFunnel, CUSTOMERS_TABLE } from './stages.js';
import { customerSlices } from '../sql/slices.js';
import { buildTouches, pathCells, summarizeTouches, TOUCHES_TABLE } from './touches.js';

export interface FunnelOptions {
  /** Days before a conversion within which a touch is credited. */
  lookbackDays: number;
  /** Steps kept per path (paths to value). */
  maxSteps: number;
  /** Paths listed before and after the purchase. */
  topPaths: number;
  /** Count a view of an item another customer reviewed earlier as a peer touch. */
  reviewTouches: boolean;
  /** Keep the TEMP tables (funnel_customers, funnel_touches, funnel_journeys) for later SQL. */
  keepTables: boolean;
  onProgress?: (step: string) => void;
}

export const FUNNEL_DEFAULTS: FunnelOptions = {
  lookbackDays: 30,
  maxSteps: 5,
  topPaths: 12,
  reviewTouches: true,
  keepTables: false,
};

export type FunnelOutcome = { status: 'no-events' } | FunnelSection;

function checkOptions(o: FunnelOptions): void {
  if (!Number.isInteger(o.lookbackDays) || o.lookbackDays < 1 || o.lookbackDays > 3650) throw new InvalidArgumentsError(`funnel: lookbackDays must be an integer in [1, 3650], got ${o.lookbackDays}`);
  if (!Number.isInteger(o.maxSteps) || o.maxSteps < 2 || o.maxSteps > 20) throw new InvalidArgumentsError(`funnel: maxSteps must be an integer in [2, 20], got ${o.maxSteps}`);
  if (!Number.isInteger(o.topPaths) || o.topPaths < 1 || o.topPaths > 200) throw new InvalidArgumentsError(`funnel: topPaths must be an integer in [1, 200], got ${o.topPaths}`);
}

const DEFINITIONS = (lookback: number): { name: string; text: string }[] => [
  { name: 'Stages', text: 'awareness = first exposure, search, view or mention, or a peer share/referral reaching the customer; consideration = first view of an item or save; preference = first cart or second view of one item; action = first purchase; loyalty = a purchase on a later day than the first; advocacy = first share, review, referral or support. Reaching a stage counts as passing the ones before it.' },
  { name: 'Conversion and time to convert', text: 'stage k → k+1: customers who reached k+1 among those who reached k; time = the first date at k+1 minus the first date at k (the first date at a stage is the earliest of its own and every later stage\'s), median and 75th percentile in days.' },
  { name: 'Touches', text: `peer = another customer's share or referral to the customer (peer_id), or the customer's first view of an item another customer reviewed earlier; firm = an exposure. Credited when within ${lookback} days before the conversion.` },
  { name: 'Last touch', text: 'each conversion goes to the kind of the latest touch in the window; none when there is none.' },
  { name: 'Shapley', text: 'within strata of activity (views and searches before the decision), v(S) = conversion rate of customers whose touches are exactly S ⊆ {peer, firm}; a customer with both credits peer ½[(v(P) − v(∅)) + (v(PF) − v(F))], firm likewise; v(∅) is the baseline (none). Shares of all conversions.' },
  { name: 'Markov removal effect', text: 'first-order chain start → touches → conversion/null over the touch paths; removal effect RE_c = 1 − P(conv without c)/P(conv); conversions with a touch split by RE, those without are none.' },
  { name: 'Peer / firm effect', text: 'Mantel–Haenszel risk ratio of converting with vs without the touch, within strata of activity × the other touch — a matched baseline — with a 95% interval (Greenland–Robins); the naive unstratified ratio beside it.' },
];

function linksAndDropoff(links: readonly LinkCount[]): Pick<FunnelSection['paths'], 'links' | 'dropoff'> {
  const out: FunnelSection['paths']['links'] = [];
  const byPos = new Map<number, { customers: number; purchased: number; continued: number; dropped: number; truncated: number }>();
  for (const l of links) {
    const d = byPos.get(l.position) ?? { customers: 0, purchased: 0, continued: 0, dropped: 0, truncated: 0 };
    d.customers += l.customers;
    if (l.next === null) d.purchased += l.customers;
    else if (l.next === 'drop-off') d.dropped += l.customers;
    else if (l.next === 'more…') d.truncated += l.customers;
    else d.continued += l.customers;
    byPos.set(l.position, d);
    if (l.next === null) continue;
    const target = l.next === 'drop-off' || l.next === 'more…' ? l.next : `${l.position + 1} ${l.next}`;
    out.push({ source: `${l.position} ${l.step}`, target, customers: l.customers });
  }
  const dropoff = [...byPos.entries()].sort((a, b) => a[0] - b[0]).map(([position, d]) => ({ position, ...d }));
  return { links: out, dropoff };
}

export async function analyzeFunnel(store: Store, options: Partial<FunnelOptions> = {}): Promise<FunnelOutcome> {
  const o: FunnelOptions = { ...FUNNEL_DEFAULTS, ...options };
  checkOptions(o);
  const step = (s: string): void => o.onProgress?.(`funnel: ${s}`);
  const [{ events }] = await store.query<{ events: number }>('SELECT count(*) AS events FROM events');
  if (Number(events) === 0) return { status: 'no-events' };
  const warnings: string[] = [];
  try {
    step('stages');
    await buildCustomers(store);
    const counts = await stageCounts(store);
    const conversions = await conversionTable(store);
    const steps = await stepFunnel(store);
    step('touches');
    await buildTouches(store, o.reviewTouches);
    // the per-customer lists and structs below cannot spill: a large store runs them in slices of customers
    const slices = await customerSlices(store, Number(events));
    const { counts: touches, lastTouch } = await summarizeTouches(store, o.lookbackDays, slices);
    const cells: PathCell[] = await pathCells(store, o.lookbackDays, slices);
    // free the touches before the journeys' per-customer lists, the step with the most memory
    if (!o.keepTables) await store.exec(`DROP TABLE IF EXISTS ${TOUCHES_TABLE}`);
    step('paths');
    await buildJourneys(store, slices);
    const top = await topPaths(store, o.maxSteps, o.topPaths);
    const links = await journeyLinks(store, o.maxSteps);
    const phases = await phaseTimes(store);

    const atRisk = cells.reduce((a, c) => a + c.customers, 0);
    const converted = cells.reduce((a, c) => a + c.conversions, 0);
    const status: FunnelSection['status'] = converted > 0 ? 'ok' : 'no-purchases';
    const message = converted > 0 ? null : 'no purchases: the funnel stops before action, and nothing can be credited to peer or firm touches';
    let attributionMessage: string | null = message;
    if (converted > 0 && touches.peerTouches + touches.firmTouches === 0) {
      attributionMessage = 'no peer or firm touches (no exposures, shares, referrals or reviews read): every conversion is credited to none';
    }
    if (attributionMessage) warnings.push(attributionMessage);

    // last touch of the target conversions = the last element of the converting customers' paths
    let ltPeer = 0;
    let ltFirm = 0;
    const byPath = new Map<string, { customers: number; conversions: number }>();
    for (const c of cells) {
      const last = c.path === '' ? '' : c.path.split('>').at(-1);
      if (last === 'peer') ltPeer += c.conversions;
      if (last === 'firm') ltFirm += c.conversions;
      const p = byPath.get(c.path) ?? { customers: 0, conversions: 0 };
      p.customers += c.customers;
      p.conversions += c.conversions;
      byPath.set(c.path, p);
    }
    const share = (x: number): number | null => (converted > 0 ? x / converted : null);
    const shapley = shapleyAttribution(cells);
    if (converted > 0 && shapley.peer === null) warnings.push('Shapley attribution needs customers without any touch to compare with; none were found');
    const peerEffect = touchEffect(cells, 'peer');
    const firmEffect = touchEffect(cells, 'firm');

    const section: FunnelSection = {
      status,
      message,
      warnings,
      lookbackDays: o.lookbackDays,
      customers: counts.customers,
      span: { start: counts.start, end: counts.end },
      stages: counts.stages,
      conversions,
      steps: steps.map((s, i) => ({
        step: s.step,
        customers: s.customers,
        rate: i === 0 || steps[i - 1].customers === 0 ? null : s.customers / steps[i - 1].customers,
        overall: steps[0].customers === 0 ? null : s.customers / steps[0].customers,
      })),
      touches: { ...touches, definition: DEFINITIONS(o.lookbackDays)[2].text },
      attribution: {
        target: 'action',
        customers: atRisk,
        conversions: converted,
        lastTouch: lastTouch.map((l) => ({ stage: FUNNEL_STAGES[l.stage - 1], conversions: l.conversions, peer: l.peer, firm: l.firm, none: Math.max(0, l.conversions - l.peer - l.firm) })),
        lastTouchShares: { peer: share(ltPeer), firm: share(ltFirm), none: share(converted - ltPeer - ltFirm) },
        shapley,
        markov: markovAttribution(cells),
        paths: [...byPath.entries()]
          .map(([path, v]) => ({ path, customers: v.customers, conversions: v.conversions, rate: v.customers > 0 ? v.conversions / v.customers : null }))
          .sort((a, b) => b.customers - a.customers || a.path.localeCompare(b.path))
          .slice(0, 20),
        message: attributionMessage,
      },
      peerEffect,
      firmEffect,
      paths: {
        maxSteps: o.maxSteps,
        before: top.before,
        after: top.after,
        ...linksAndDropoff(links),
        phases,
        phaseNote: 'First purchase cycle of customers with a need signal. recognize = first search/view until the request; request = first cart at or after it (else the order itself) until the purchase; respond = the purchase until the first response after it (review, share, support, return or a reorder). Hours.',
      },
      definitions: DEFINITIONS(o.lookbackDays),
    };
    return section;
  } finally {
    if (!o.keepTables) await store.exec(`DROP TABLE IF EXISTS ${JOURNEYS_TABLE}; DROP TABLE IF EXISTS ${TOUCHES_TABLE}; DROP TABLE IF EXISTS ${CUSTOMERS_TABLE};`);
  }
}
