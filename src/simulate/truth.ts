/**
 * The ground truth written beside a simulated event log: every parameter, and per mechanism the
 * quantities a model fitted on the log should recover (BG/NBD and Gamma-Gamma parameters and the
 * purchases they imply, the funnel's rates, the network's referral structure, the reviews'
 * rating-to-wording map), with the realised counts of this run.
 */
import type { EventType } from '../domain/events.js';
import type { AcquisitionCounts } from './mechanisms/acquisition.js';
import type { BrandTruth } from './mechanisms/brand.js';
import type { CatalogueTruth } from './mechanisms/catalogue.js';
import type { FunnelCounts } from './mechanisms/funnel.js';
import type { NetworkTruth } from './mechanisms/network.js';
import type { PeerEffectsTruth } from './mechanisms/peer-effects.js';
import type { PersonasTruth } from './mechanisms/personas.js';
import type { SocialCounts } from './mechanisms/social.js';
import type { BgNbdParams, GammaGammaParams, SimulationParams } from './options.js';

import type { ExperimentTruth } from './mechanisms/experiment.js';

export const TRUTH_SCHEMA_VERSION = 1;

export interface PurchaseTruth {
  model: 'bgnbd';
  timeUnit: 'week';
  params: BgNbdParams;
  /** E[lambda] = r/alpha, purchases per week while alive. */
  meanLambda: number;
  /** E[p] = a/(a+b) (or the fixed `dropout`), dropout probability after each repeat purchase. */
  meanDropout: number;
  /** E[X(52)], repeat purchases of a new customer in 52 weeks (FHL 2005, eq. 9). */
  expectedRepeatPurchases52Weeks: number | null;
  /**
   * Sum over customers of E[X(T_i)], T_i = weeks from the customer's first purchase to the
   * window's end: the repeat purchases the model implies for this window.
   */
  expectedRepeatPurchasesInWindow: number | null;
  /** Repeat purchase transactions actually generated in the window. */
  realizedRepeatPurchasesInWindow: number;
  /** Repeat purchases counted as distinct UTC days after the first purchase's day (the CLV summaries' x). */
  realizedRepeatPurchaseDaysInWindow: number;
  meanExpectedRepeatPerCustomer: number | null;
  meanRealizedRepeatPerCustomer: number;
  /** Transactions (first + repeat). */
  transactions: number;
  /** Customers not yet dropped out at the window's end. */
  aliveAtEnd: number;
  note: string;
}

export interface SpendTruth {
  model: 'gamma-gamma';
  params: GammaGammaParams;
  /** p·gamma/(q−1): E[value of a transaction]; null when q <= 1. */
  expectedTransactionValue: number | null;
  realizedMeanTransactionValue: number | null;
  revenue: number;
}

export interface SimulationTruth {
  schemaVersion: typeof TRUTH_SCHEMA_VERSION;
  generator: 'spiral simulate';
  params: SimulationParams;
  window: { start: string; end: string; weeks: number };
  files: { events: string; customers: string | null };
  counts: {
    events: number;
    customers: number;
    prospects: number;
    byType: Record<EventType, number>;
  };
  purchases: PurchaseTruth;
  spend: SpendTruth;
  acquisition: AcquisitionCounts & { note: string };
  funnel: FunnelCounts & {
    /** Realised share of sessions that ended in a purchase. */
    sessionConversion: number;
    note: string;
  };
  exposures: {
    campaigns: { ts: string; item_id: string }[];
    campaignExposures: number;
    adExposures: number;
    effectOnPurchases: 'none';
  };
  network: NetworkTruth;
  social: SocialCounts & {
    /** Review wording by rating, and the sentiment each rating's wording carries. */
    reviewTexts: Record<string, readonly string[]>;
    sentimentByRating: Record<string, number>;
  };
  catalogue: CatalogueTruth;
  /** Brand dynamics' parameters and realised series; present only when they were on. */
  brand?: BrandTruth;
  /** Peer and firm effects on considerers; present only when they were on. */
  peerEffects?: PeerEffectsTruth;
  /** Latent segments, behaviour propensities, experience types and replenishment cycles; present only when personas were on. */
  personas?: PersonasTruth;
  /** An experiment with a known lift; present only when one ran. */
  experiment?: ExperimentTruth;
}
