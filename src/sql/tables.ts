/**
 * The store's table names, in one place: the stored tables every engine holds, and the derived
 * tables the analysis writes (scores meant to last) or builds for one connection (TEMP).
 */
export const TABLES = {
  /** Canonical events (src/domain/events.ts). */
  events: 'events',
  /** One row per ingested source: where the data came from. */
  ingests: 'ingests',
  /** Per-customer CLV statistics (x, t_x, T, monetary, holdout_x), TEMP. */
  clvCustomerSummary: 'clv_customer_summary',
  /** Distinct (x, t_x, T) tuples with counts, TEMP. */
  clvTuples: 'clv_tuples',
  /** Per-customer scores written by `spiral clv score` / the analysis. */
  clvScores: 'clv_scores',
} as const;

/** Where an engine-side bulk load stages its rows before the deduplicating insert. */
export const LOAD_TABLE = 'spiral_load';
