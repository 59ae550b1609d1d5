/** Social listening: sentiment of review and mention text, and what it says per brand/item over time. */
export { scoreSentiment, DEFAULT_METHOD, SENTIMENT_METHODS, VADER_THRESHOLDS, type SentimentMethod, type SentimentScore, type ScoreOptions } from './score.js';
export { analyzeListening, scoreStoreTexts, TEXT_SENTIMENT_DDL, DEFAULTS as LISTENING_DEFAULTS, type ListeningOptions } from './analyze.js';
export type * from './types.js';
export { evaluate, spearman, LABELS, type SentimentLabel, type Evaluation, type Thresholds } from './metrics.js';
