/**
 * Brand flow and stock from the store (DESIGN.md, "Brand stock vs brand flow"; issue 5).
 *
 *   events ──SQL──▶ per-period tables: events and customers by type, new customers, active-customer
 *                   changes (recency rule), flow per brand and channel, ideas/votes/orders
 *          ──JS───▶ dense series over the period axis
 *          ──models/▶ momentum (quasi-Poisson trend), goodwill stock λ (Nerlove–Arrow adstock),
 *                   Spiral In/Out VAR (Trusov, Bucklin & Pauwels 2009), Bass (1969) on new customers,
 *                   co-creation pre-orders; the same per top brand
 *          ──listening/▶ sentiment over time, share of voice, complaint terms, star agreement
 *
 * Thin or degenerate data never throws: each model reports a status and a message, and a model
 * that throws (an optimiser that does not converge) becomes { status: 'failed', message }.
 */
import { FLOW_TYPES } from '../domain/events.js';
import { analyzeListening, type ListeningOptions } from '../listening/index.js';
import { fitPreorders, type LaunchedIdea, type OpenIdea } from '../models/cocreation/index.js';
import { brandMomentum, fitAdstock } from '../models/stockflow/index.js';
import { fitVar, InvalidArgumentsError } from '../models/var/index.js';
import type { Store } from '../store/types.js';
import { fitBassRobust } from './diffusion.js';
import { ACTIVE_PERIODS, BRAND_PERIODS, periodAxis, periodLengthMs, type BrandPeriod } from './periods.js';
import {
  buildCustomerPeriods, dropCustomerPeriods, queryActiveChanges, queryClvSnapshot, queryFlowChannels, queryFlowCustomers, queryIdeas, queryItemFlow, queryItemSeries,
  queryCustomerTotals, queryNewCustomers, queryFlowTypeCustomers, queryPeriodTypes, querySpan, type Window,
} from './queries.js';
import type {
  BrandModels, BrandResult, BrandSeries, BrandSlice, CoCreation, Diffusion, FailedModel, IdeaSummary, Outcome, SpiralModel,
} from './types.js';

export interface BrandOptions {
  period: BrandPeriod;
  /** Event types counted as flow (spontaneous actions). */
  flowTypes: readonly string[];
  /** Inclusive first and last day (YYYY-MM-DD) of the events used; null = all. */
  from: string | null;
  to: string | null;
  /** Recency rule: active = an event in this many latest periods; null = the default for the period. */
  activePeriods: number | null;
  /** Momentum window in periods; null = 12 (14 for days). */
  momentumWindow: number | null;
  /** Brands (item ids, largest flow first) that get their own models. */
  brandModels: number;
  /** Brands listed in the share of voice. */
  shareOfVoiceTop: number;
  /** Bootstrap replications of the VAR bands: overall, and per brand. */
  bootstrap: number;
  brandBootstrap: number;
  horizon: number;
  seed: number;
  /** The last period is left out of the models when the data cover less than this share of it. */
  partialCoverage: number;
  /** Social listening: false = skip; an object = options for analyzeListening (its period follows `period`). */
  listening: boolean | Partial<Omit<ListeningOptions, 'period' | 'onProgress'>>;
  onProgress?: (step: string) => void;
}

export const BRAND_DEFAULTS: Omit<BrandOptions, 'onProgress'> = {
  period: 'week',
  flowTypes: FLOW_TYPES,
  from: null,
  to: null,
  activePeriods: null,
  momentumWindow: null,
  brandModels: 6,
  shareOfVoiceTop: 20,
  bootstrap: 500,
  brandBootstrap: 200,
  horizon: 12,
  seed: 1,
  partialCoverage: 0.9,
  listening: true,
};

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function validate(o: BrandOptions): void {
  if (!BRAND_PERIODS.includes(o.period)) throw new InvalidArgumentsError(`brand: period must be one of ${BRAND_PERIODS.join(', ')}, got "${String(o.period)}"`);
  if (!Array.isArray(o.flowTypes) || o.flowTypes.some((t) => typeof t !== 'string' || t === '')) throw new InvalidArgumentsError('brand: flowTypes must be a list of event type names');
  for (const k of ['from', 'to'] as const) {
    const v = o[k];
    if (v !== null && !(DAY_RE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)))) throw new InvalidArgumentsError(`brand: ${k} must be a date YYYY-MM-DD, got "${v}"`);
  }
  if (o.from !== null && o.to !== null && o.from > o.to) throw new InvalidArgumentsError(`brand: from (${o.from}) is after to (${o.to})`);
  const ints: [string, number | null, number][] = [
    ['activePeriods', o.activePeriods, 1], ['momentumWindow', o.momentumWindow, 3], ['brandModels', o.brandModels, 0],
    ['shareOfVoiceTop', o.shareOfVoiceTop, 1], ['bootstrap', o.bootstrap, 0], ['brandBootstrap', o.brandBootstrap, 0], ['horizon', o.horizon, 1],
  ];
  for (const [name, v, min] of ints) {
    if (v !== null && !(Number.isInteger(v) && v >= min)) throw new InvalidArgumentsError(`brand: ${name} must be an integer >= ${min}, got ${v}`);
  }
  if (!(o.partialCoverage >= 0 && o.partialCoverage <= 1)) throw new InvalidArgumentsError(`brand: partialCoverage must be in [0, 1], got ${o.partialCoverage}`);
}

/** Runs a model; a throw becomes a 'failed' outcome with the error's message. */
function safely<T>(what: string, f: () => T): Outcome<T> {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidArgumentsError) throw e;
    const m = (e as Error).message;
    return { status: 'failed', message: m.startsWith(`${what}:`) ? m : `${what}: ${m}`, warnings: [] } satisfies FailedModel;
  }
}

function dense(map: Map<number, number>, length: number): number[] {
  const out = new Array<number>(length).fill(0);
  for (const [i, v] of map) if (i >= 0 && i < length) out[i] += v;
  return out;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

const log1p = (xs: readonly number[]): number[] => xs.map((x) => Math.log1p(Math.max(0, x)));

interface ModelInput {
  flow: number[];
  purchases: number[];
  /** Used as the target when there are no purchases; null = no fallback. */
  newCustomers: number[] | null;
  /** Fallback stock when λ cannot be estimated; null = none. */
  active: number[] | null;
  periods: string[];
  bootstrap: number;
}

/** Momentum, goodwill stock and the Spiral In/Out VAR on one set of series. */
function fitModels(m: ModelInput, o: BrandOptions): BrandModels {
  const window = o.momentumWindow ?? (o.period === 'day' ? 14 : 12);
  const momentum = safely('momentum', () => brandMomentum({ flow: m.flow, periods: m.periods }, { window }));
  const usePurchases = sum(m.purchases) > 0 || m.newCustomers === null;
  const target = usePurchases ? m.purchases : m.newCustomers!;
  const targetName: 'purchases' | 'new customers' = usePurchases ? 'purchases' : 'new customers';
  const adstock = safely('adstock', () => fitAdstock({ flow: m.flow, purchases: target, periods: m.periods }));
  let spiral: SpiralModel | null = null;
  let stock: number[] | null = null;
  let stockKind: SpiralModel['stock'] = 'goodwill';
  if (adstock.status === 'ok' && 'stock' in adstock && adstock.stock) stock = adstock.stock;
  else if (m.active) {
    stock = m.active;
    stockKind = 'active customers';
  }
  if (stock) {
    const targetVar = usePurchases ? 'ln purchases' : 'ln new customers';
    const names = ['ln flow', 'ln stock', targetVar];
    const result = safely('var', () => fitVar(
      { names, series: [log1p(m.flow), log1p(stock!), log1p(target)], periods: m.periods },
      { logs: true, spiral: { flow: 'ln flow', stock: 'ln stock' }, bootstrap: m.bootstrap, horizon: o.horizon, seed: o.seed },
    ));
    spiral = {
      variables: [
        { name: 'ln flow', description: 'ln(1 + spontaneous actions per period)' },
        {
          name: 'ln stock',
          description: stockKind === 'goodwill'
            ? 'ln(1 + goodwill stock S_t = λ̂·S_{t−1} + flow_t)'
            : 'ln(1 + active customers) (goodwill λ could not be estimated)',
        },
        { name: targetVar, description: `ln(1 + ${targetName} per period)` },
      ],
      target: targetName,
      stock: stockKind,
      result,
    };
  }
  return { momentum, stock: { target: targetName, result: adstock }, spiral };
}

/** Brand flow, stock, momentum, Spiral In/Out, diffusion, co-creation and listening from the store. */
export async function analyzeBrand(store: Store, options: Partial<BrandOptions> = {}): Promise<BrandResult> {
  const o: BrandOptions = { ...BRAND_DEFAULTS, ...options };
  validate(o);
  const progress = (s: string): void => o.onProgress?.(s);
  const w: Window = { from: o.from, to: o.to };
  const flowTypes = [...new Set(o.flowTypes)];
  const k = o.activePeriods ?? ACTIVE_PERIODS[o.period];
  const warnings: string[] = [];
  const activeRule = {
    kind: 'recency' as const,
    periods: k,
    description: `a customer is active in a ${o.period} when they have an event of any type in it or in the ${k - 1} ${o.period}${k - 1 === 1 ? '' : 's'} before`,
  };

  progress('brand: span');
  const span = await querySpan(store, o.period, w);
  const periods = span.firstPeriod && span.lastPeriod ? periodAxis(o.period, span.firstPeriod, span.lastPeriod) : [];
  const T = periods.length;
  const origin = periods[0] ?? '1970-01-01';

  progress('brand: flow per period');
  await buildCustomerPeriods(store, o.period, origin, w, flowTypes);
  const byPeriodType = await queryPeriodTypes(store, o.period, origin, w);
  const typeCustomers = await queryFlowTypeCustomers(store, w, flowTypes);
  const typeEvents = new Map<string, number>();
  for (const r of byPeriodType) typeEvents.set(r.type, (typeEvents.get(r.type) ?? 0) + r.events);
  const typeTotals = [...typeEvents]
    .map(([type, events]) => ({ type, events, customers: typeCustomers.get(type) ?? 0 }))
    .sort((a, b) => b.events - a.events || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const flowCustomersMap = await queryFlowCustomers(store);
  const channels = await queryFlowChannels(store, w, flowTypes);
  const activeChanges = await queryActiveChanges(store, k);
  const clvSnap = await queryClvSnapshot(store);
  const flowSet = new Set(flowTypes);
  const flow = new Array<number>(T).fill(0);
  const purchases = new Array<number>(T).fill(0);
  const byType = new Map<string, number[]>();
  for (const r of byPeriodType) {
    if (r.period < 0 || r.period >= T) continue;
    if (r.type === 'purchase') purchases[r.period] += r.events;
    if (!flowSet.has(r.type)) continue;
    flow[r.period] += r.events;
    let s = byType.get(r.type);
    if (!s) byType.set(r.type, (s = new Array<number>(T).fill(0)));
    s[r.period] += r.events;
  }
  const totalPurchases = sum(purchases);
  progress('brand: customers');
  const newCustomers = dense(await queryNewCustomers(store, totalPurchases > 0), T);
  const activeCustomers: number[] = [];
  {
    let running = 0;
    for (let i = 0; i < T; i++) {
      running += activeChanges.get(i) ?? 0;
      activeCustomers.push(running);
    }
  }
  const flowByType = typeTotals.filter((t) => flowSet.has(t.type));
  const series: BrandSeries = {
    flow,
    flowByType: flowByType.map((t) => ({ type: t.type, values: byType.get(t.type) ?? new Array<number>(T).fill(0) })),
    flowCustomers: dense(flowCustomersMap, T),
    activeCustomers,
    flowPerActive: flow.map((f, i) => (activeCustomers[i] > 0 ? f / activeCustomers[i] : null)),
    purchases,
    newCustomers,
  };
  const totalFlow = sum(flow);
  const { customers, flowCustomers } = await queryCustomerTotals(store);
  await dropCustomerPeriods(store);

  // the last period is left out of the models when the data stop part-way through it
  let partialLastPeriod: BrandResult['partialLastPeriod'] = null;
  let M = T;
  if (T > 1 && span.lastMs !== null) {
    const last = periods[T - 1];
    const coverage = Math.min(1, (span.lastMs + 1000 - Date.parse(`${last}T00:00:00Z`)) / periodLengthMs(o.period, last));
    if (coverage < o.partialCoverage) {
      partialLastPeriod = { period: last, coverage };
      M = T - 1;
      warnings.push(`the data end ${Math.round(coverage * 100)}% of the way through the ${o.period} of ${last}: that ${o.period} is shown but left out of the models`);
    }
  }
  const cut = (xs: number[]): number[] => xs.slice(0, M);
  const modelPeriods = periods.slice(0, M);

  let status: BrandResult['status'] = 'ok';
  let message: string | null = null;
  if (span.events === 0) {
    status = 'no-events';
    message = 'brand: the store has no events in the window; nothing to measure';
  } else if (totalFlow === 0) {
    status = 'no-flow';
    const present = typeTotals.map((t) => t.type).join(', ');
    message = `brand: no spontaneous actions (${flowTypes.join(', ') || 'no flow types given'}) in the data, so there is no flow, momentum or goodwill stock; the data hold ${present}`;
  }
  if (T === 1) warnings.push(`the data cover a single ${o.period}: flow is counted but no trend or dynamics can be estimated`);

  progress('brand: models');
  const overall = fitModels({
    flow: cut(flow), purchases: cut(purchases), newCustomers: cut(newCustomers), active: cut(activeCustomers), periods: modelPeriods, bootstrap: o.bootstrap,
  }, o);

  progress('brand: diffusion');
  const diffusion = fitDiffusion(cut(newCustomers), modelPeriods, totalPurchases > 0);

  progress('brand: co-creation');
  const cocreation = await coCreation(store, o.period, origin, w, periods, o.seed);

  progress('brand: share of voice');
  const itemFlow = await queryItemFlow(store, w, flowTypes, Math.max(o.shareOfVoiceTop, o.brandModels));
  const shareOfVoice = itemFlow.brands >= 2
    ? { brands: itemFlow.brands, totalEvents: itemFlow.total, items: itemFlow.items.slice(0, o.shareOfVoiceTop) }
    : null;
  const top = itemFlow.items.slice(0, o.brandModels);
  const itemRows = await queryItemSeries(store, o.period, origin, w, flowTypes, top.map((t) => t.itemId));
  const brands: BrandSlice[] = top.map((t) => {
    const f = new Array<number>(T).fill(0);
    const p = new Array<number>(T).fill(0);
    for (const r of itemRows) {
      if (r.itemId !== t.itemId || r.period < 0 || r.period >= T) continue;
      f[r.period] += r.flow;
      p[r.period] += r.purchases;
    }
    const models = fitModels({ flow: cut(f), purchases: cut(p), newCustomers: null, active: null, periods: modelPeriods, bootstrap: o.brandBootstrap }, o);
    return { itemId: t.itemId, events: t.events, customers: t.customers, shareOfVoice: t.share, flow: f, purchases: p, ...models };
  });

  let listening: BrandResult['listening'] = null;
  const listened = o.listening === false ? [] : (typeof o.listening === 'object' && o.listening.types) ? o.listening.types : ['review', 'mention'];
  if (listened.some((t) => typeTotals.some((x) => x.type === t && x.events > 0))) {
    progress('brand: listening');
    try {
      listening = { status: 'ok', message: null, ...(await analyzeListening(store, { ...(typeof o.listening === 'object' ? o.listening : {}), period: o.period })) };
    } catch (e) {
      listening = { status: 'failed', message: `listening: ${(e as Error).message}`, warnings: [] };
    }
  }

  let clv: BrandResult['clv'] = null;
  if (clvSnap) {
    clv = {
      ...clvSnap,
      note: 'from the store table clv_scores written by the CLV models: Σ P(alive) is the expected active base and Σ CLV the customer equity at the end of the data',
    };
  }

  return {
    status,
    message,
    warnings,
    period: o.period,
    window: { from: o.from, to: o.to },
    flowTypes,
    countingNote: 'counts are events (ingest keeps event_id unique, so a re-sent event counts once); flow = events of the flow types',
    periods,
    modelPeriods: M,
    partialLastPeriod,
    activeRule,
    totals: { events: span.events, flowEvents: totalFlow, purchases: totalPurchases, customers, flowCustomers },
    flowByType,
    flowByChannel: channels,
    series,
    clv,
    overall,
    diffusion,
    cocreation,
    shareOfVoice,
    brands,
    listening,
  };
}

function fitDiffusion(newCustomers: number[], periods: string[], byPurchase: boolean): Diffusion {
  const start = newCustomers.findIndex((x) => x > 0);
  const actual = start < 0 ? [] : newCustomers.slice(start);
  const labels = start < 0 ? [] : periods.slice(start);
  return {
    adopters: byPurchase ? 'first purchase' : 'first event',
    from: labels[0] ?? null,
    actual,
    result: safely('bass', () => fitBassRobust(actual, labels)),
  };
}

async function coCreation(store: Store, period: BrandPeriod, origin: string, w: Window, periods: string[], seed: number): Promise<CoCreation> {
  const rows = await queryIdeas(store, period, origin, w);
  const label = (i: number | null): string | null => (i === null ? null : periods[i] ?? null);
  const ideas: IdeaSummary[] = rows.map((r) => ({
    itemId: r.itemId,
    status: r.firstSalePeriod === null ? 'open' : 'launched',
    ideas: r.ideas,
    votes: r.votes,
    firstVotePeriod: label(r.firstVotePeriod),
    firstSalePeriod: label(r.firstSalePeriod),
    orders: r.firstSalePeriod === null ? null : r.orders,
  }));
  const launched: LaunchedIdea[] = rows.filter((r) => r.firstSalePeriod !== null).map((r) => ({
    id: r.itemId,
    votes: r.votes,
    orders: r.orders,
    ...(r.firstVotePeriod !== null && r.firstVotePeriod <= r.firstSalePeriod! ? { firstVotePeriod: r.firstVotePeriod, firstOrderPeriod: r.firstSalePeriod! } : {}),
  }));
  const open: OpenIdea[] = rows.filter((r) => r.firstSalePeriod === null).map((r) => ({ id: r.itemId, votes: r.votes }));
  const result: Outcome<ReturnType<typeof fitPreorders>> = rows.length === 0
    ? { status: 'not-applicable', message: 'preorders: no idea or vote events in the data', warnings: [] }
    : safely('preorders', () => fitPreorders({ launched, open }, { seed }));
  return {
    rule: `an item with idea or vote events is an idea; once bought it is launched: its votes are those before its first purchase and its first-period orders are the purchases in the ${period} of its first purchase`,
    ideas,
    result,
  };
}
