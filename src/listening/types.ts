/** The social-listening result: plain, JSON-serialisable data; a missing number is null, never NaN. */
import type { SentimentLabel } from './metrics.js';
import type { SentimentMethod } from './score.js';

export type ListeningPeriod = 'day' | 'week' | 'month';

export interface SentimentMix {
  /** Distinct events (event_id) with a scored text. */
  scored: number;
  meanScore: number | null;
  negativeShare: number | null;
  neutralShare: number | null;
  positiveShare: number | null;
  /** positiveShare − negativeShare. */
  netSentiment: number | null;
}

export interface ItemListening extends SentimentMix {
  /** null groups the events without an item. */
  itemId: string | null;
  /** Distinct events of the listened types (with or without text). */
  events: number;
  /** events / all listened events: the brand's share of voice. */
  shareOfVoice: number | null;
}

export interface PeriodListening extends SentimentMix {
  /** Start of the period, YYYY-MM-DD (weeks start on Monday). */
  period: string;
  itemId: string | null;
}

export interface ComplaintTerm {
  term: string;
  /** Negative texts of this item containing the term. */
  docs: number;
  /** docs / negative texts of this item. */
  share: number;
  /** share / (texts of all items containing the term / all texts): how much more often complaints use it. */
  lift: number;
}

export interface ItemComplaints {
  itemId: string | null;
  negativeTexts: number;
  terms: ComplaintTerm[];
}

export interface RatingAgreement {
  /** Distinct review events with both a rating and a scored text. */
  reviews: number;
  /** Spearman's ρ between score and rating; null when either is constant. */
  spearman: number | null;
  meanScoreByRating: { rating: number; reviews: number; meanScore: number }[];
  /** Rating buckets: rating ≤ negativeMax negative, ≥ positiveMin positive, else neutral. */
  buckets: { negativeMax: number; positiveMin: number };
  /** Share of reviews whose label equals their rating bucket. */
  bucketAccuracy: number | null;
  bucketMacroF1: number | null;
  /** confusion[bucket][label], order negative/neutral/positive. */
  confusion: number[][];
}

export interface ScoringStats {
  /** Distinct texts scored in this run (each is scored once, however many events share it). */
  textsScored: number;
  /** text_sentiment rows written in this run. */
  eventsScored: number;
  /** Events that already had a score for this method and were skipped. */
  eventsAlreadyScored: number;
}

export interface ListeningResult {
  method: SentimentMethod;
  types: string[];
  period: ListeningPeriod;
  /** How duplicates are counted. */
  countingNote: string;
  scoring: ScoringStats;
  overall: SentimentMix & { events: number };
  items: ItemListening[];
  overTime: PeriodListening[];
  complaintTerms: ItemComplaints[];
  ratingAgreement: RatingAgreement | null;
  warnings: string[];
}

export type { SentimentLabel };
