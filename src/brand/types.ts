/**
 * The brand result: plain, JSON-serialisable data; a missing number is null, never NaN.
 *
 * Its shape is written once, as the brand section's schema in src/domain/sections/brand.ts; the
 * types here are that schema's, with the model outcomes narrowed to each model's own result type
 * (the schema keeps them as loose objects so nothing a model says is lost).
 */
import type { BassResult } from '../models/diffusion/index.js';
import type { PreorderResult } from '../models/cocreation/index.js';
import type { AdstockResult, MomentumResult } from '../models/stockflow/index.js';
import type { VarResult } from '../models/var/index.js';
import type { ListeningResult } from '../listening/index.js';
import type { BrandSection } from '../domain/sections/brand.js';

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

export type BrandSeries = BrandSection['series'];
export type TypeSeries = BrandSeries['flowByType'][number];
export type ActiveRule = BrandSection['activeRule'];
export type IdeaSummary = BrandSection['cocreation']['ideas'][number];
export type ShareOfVoice = NonNullable<BrandSection['shareOfVoice']>;

export interface SpiralModel extends Omit<NonNullable<BrandSection['overall']['spiral']>, 'result'> {
  result: Outcome<VarResult>;
}

export interface GoodwillStock extends Omit<BrandSection['overall']['stock'], 'result'> {
  result: Outcome<AdstockResult>;
}

export interface BrandModels {
  momentum: Outcome<MomentumResult>;
  stock: GoodwillStock;
  spiral: SpiralModel | null;
}

export interface BrandSlice extends BrandModels, Omit<BrandSection['brands'][number], keyof BrandModels> {}

export interface CoCreation extends Omit<BrandSection['cocreation'], 'result'> {
  result: Outcome<PreorderResult>;
}

export interface Diffusion extends Omit<BrandSection['diffusion'], 'result'> {
  result: Outcome<BassResult>;
}

export interface BrandResult extends Omit<BrandSection, 'overall' | 'diffusion' | 'cocreation' | 'brands' | 'listening'> {
  overall: BrandModels;
  diffusion: Diffusion;
  cocreation: CoCreation;
  brands: BrandSlice[];
  /** analyzeListening's result (with status 'ok'), a failure, or null when there is no review/mention text. */
  listening: (ListeningResult & { status: 'ok'; message: null }) | FailedModel | null;
}
