/** The brand result: plain, JSON-serialisable data; a missing number is null, never NaN. */
import type { BassResult } from '../models/diffusion/index.js';
import type { PreorderResult } from '../models/cocreation/index.js';
import type { AdstockResult, MomentumResult } from '../models/stockflow/index.js';
import type { VarResult } from '../models/var/index.js';
import type { ListeningResult } from '../listening/index.js';
import type { BrandPeriod } from './periods.js';

/** A model that threw instead of returning a status (e.g. an optimiser that did not converge). */
export interface FailedModel {
  status: 'failed';
  message: string;
  warnings: string[];
}

/** A model that does not apply to the data (e.g. no idea or vote events for co-creation). */
export interface NotApplicable {
  status: 'not-applicable';
  message: string;
  warnings: string[];
}

export type Outcome<T> = T | FailedModel | NotApplicable;

export interface TypeSeries {
  type: string;
  values: number[];
}

export interface BrandSeries {
  /** Spontaneous actions per period (all flow types). */
  flow: number[];
  flowByType: TypeSeries[];
  /** Distinct customers with a flow event per period. */
  flowCustomers: number[];
  /** Active customers per period by the recency rule. */
  activeCustomers: number[];
  /** flow / active customers; null when nobody is active. */
  flowPerActive: (number | null)[];
  purchases: number[];
  newCustomers: number[];
}

export interface ActiveRule {
  kind: 'recency';
  periods: number;
  description: string;
}

export interface SpiralModel {
  /** Variables of the VAR, in order, and what each is. */
  variables: { name: string; description: string }[];
  /** The third variable: purchases, or new customers when the data has no purchases. */
  target: 'purchases' | 'new customers';
  /** Where the stock series comes from. */
  stock: 'goodwill' | 'active customers';
  result: Outcome<VarResult>;
}

export interface GoodwillStock {
  /** What the stock explains in the λ fit. */
  target: 'purchases' | 'new customers';
  result: Outcome<AdstockResult>;
}

export interface BrandModels {
  momentum: Outcome<MomentumResult>;
  stock: GoodwillStock;
  spiral: SpiralModel | null;
}

export interface BrandSlice extends BrandModels {
  itemId: string;
  events: number;
  customers: number;
  shareOfVoice: number;
  flow: number[];
  purchases: number[];
}

export interface IdeaSummary {
  itemId: string;
  status: 'launched' | 'open';
  ideas: number;
  votes: number;
  firstVotePeriod: string | null;
  firstSalePeriod: string | null;
  /** Orders in the period of the first purchase (launched ideas). */
  orders: number | null;
}

export interface CoCreation {
  rule: string;
  ideas: IdeaSummary[];
  result: Outcome<PreorderResult>;
}

export interface Diffusion {
  adopters: 'first purchase' | 'first event';
  /** First period of the fit (the launch). */
  from: string | null;
  actual: number[];
  result: Outcome<BassResult>;
}

export interface ShareOfVoice {
  /** Brands (distinct item ids) with any flow. */
  brands: number;
  totalEvents: number;
  items: { itemId: string; events: number; customers: number; share: number }[];
}

export interface BrandResult {
  status: 'ok' | 'no-events' | 'no-flow';
  message: string | null;
  warnings: string[];
  period: BrandPeriod;
  window: { from: string | null; to: string | null };
  flowTypes: string[];
  countingNote: string;
  periods: string[];
  /** Periods the models use (the last is left out when the data end part-way through it). */
  modelPeriods: number;
  partialLastPeriod: { period: string; coverage: number } | null;
  activeRule: ActiveRule;
  totals: { events: number; flowEvents: number; purchases: number; customers: number; flowCustomers: number };
  flowByType: { type: string; events: number; customers: number }[];
  flowByChannel: { channel: string | null; events: number }[];
  series: BrandSeries;
  /** Σ P(alive) and customer equity from clv_scores, when present (a snapshot at the end, not a series). */
  clv: { customers: number; pAliveSum: number | null; equity: number | null; note: string } | null;
  overall: BrandModels;
  diffusion: Diffusion;
  cocreation: CoCreation;
  shareOfVoice: ShareOfVoice | null;
  brands: BrandSlice[];
  /** analyzeListening's result (with status 'ok'), a failure, or null when there is no review/mention text. */
  listening: (ListeningResult & { status: 'ok'; message: null }) | FailedModel | null;
}
