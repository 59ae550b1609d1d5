/**
 * The established sentiment libraries Spiral evaluates and builds on, behind one small interface:
 * text in, a polarity score out.
 *
 * - VADER (Hutto & Gilbert 2014, ICWSM): a valence lexicon tuned on social media with rules for
 *   negation, boosters, "but", caps and punctuation; `compound` in [−1, 1].
 * - wink-sentiment: AFINN-165 (Nielsen 2011) plus the emoji sentiment ranking (Kralj Novak et al.
 *   2015) with negation handling; `normalizedScore` roughly in [−5, 5].
 * - wink-nlp with wink-eng-lite-web-model: the document sentiment of winkNLP's English lite model,
 *   in [−1, 1].
 */
import vader, { type PolarityScores } from 'vader-sentiment';
import winkSentiment from 'wink-sentiment';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export type { PolarityScores };

/** VADER's four scores for one text. */
export function vaderScores(text: string): PolarityScores {
  return vader.SentimentIntensityAnalyzer.polarity_scores(text);
}

/** wink-sentiment's normalised AFINN score for one text. */
export function winkSentimentScore(text: string): number {
  return winkSentiment(text).normalizedScore;
}

let nlp: ReturnType<typeof winkNLP> | null = null;

/** winkNLP's document sentiment for one text (the model is loaded on first use). */
export function winkNlpScore(text: string): number {
  nlp ??= winkNLP(model);
  return nlp.readDoc(text).out(nlp.its.sentiment) as number;
}
