/**
 * Spiral's sentiment model: a stacked ensemble on top of the established libraries.
 *
 * A softmax regression (softmax.ts) takes as inputs (a) VADER's compound, positive and negative
 * scores (Hutto & Gilbert 2014), (b) wink-sentiment's AFINN score, (c) winkNLP's document
 * sentiment, and (d) a domain lexicon: the presence of terms (negation-marked, tokens.ts) learned
 * from a labelled training split. The libraries bring general valence knowledge; the lexicon adds
 * what they miss in customer complaints ("delayed", "cancelled", "hold", "no response", a question
 * mark as a neutral request). The model is plain data, so it can be generated, checked and shipped.
 */
import { LABELS, type SentimentLabel } from './metrics.js';
import { vaderScores, winkNlpScore, winkSentimentScore } from './libraries.js';
import { lexiconTerms } from './tokens.js';
import { predictProba, type SoftmaxModel, type SparseRow } from './softmax.js';

/** The library scores the model can use, in a fixed order. */
export const LIBRARY_FEATURES = ['vader.compound', 'vader.pos', 'vader.neg', 'winkSentiment', 'winkNlp'] as const;
export type LibraryFeature = (typeof LIBRARY_FEATURES)[number];

export interface SentimentModel {
  name: string;
  /** Where and how the model was learned (data, split, seed, regularisation). */
  provenance: string;
  libraryFeatures: LibraryFeature[];
  /** Class order of every weight triple. */
  classes: typeof LABELS;
  bias: [number, number, number];
  /** One weight triple per entry of libraryFeatures. */
  libraryWeights: [number, number, number][];
  /** Domain lexicon: term → weight triple, applied once per text when the term occurs. */
  terms: Record<string, [number, number, number]>;
}

/** The library feature values of one text (only those the model uses are computed). */
export function libraryFeatureValues(text: string, use: readonly LibraryFeature[]): number[] {
  const needVader = use.some((f) => f.startsWith('vader.'));
  const v = needVader ? vaderScores(text) : null;
  return use.map((f) => {
    switch (f) {
      case 'vader.compound':
        return v!.compound;
      case 'vader.pos':
        return v!.pos;
      case 'vader.neg':
        return v!.neg;
      case 'winkSentiment':
        // AFINN valences are in [−5, 5]; scale to the others' range.
        return Math.max(-1, Math.min(1, winkSentimentScore(text) / 5));
      case 'winkNlp':
        return winkNlpScore(text);
    }
  });
}

/** Distinct lexicon terms of a text. */
export function distinctTerms(text: string): string[] {
  return [...new Set(lexiconTerms(text))];
}

/** A sparse feature row: library values first, then one 1 per known term. */
export function featureRow(libraryValues: readonly number[], terms: readonly string[], vocabulary: ReadonlyMap<string, number>): SparseRow {
  const idx: number[] = [];
  const val: number[] = [];
  libraryValues.forEach((x, j) => {
    if (x !== 0) {
      idx.push(j);
      val.push(x);
    }
  });
  for (const t of terms) {
    const j = vocabulary.get(t);
    if (j !== undefined) {
      idx.push(libraryValues.length + j);
      val.push(1);
    }
  }
  return { index: Int32Array.from(idx), value: Float64Array.from(val) };
}

/** The softmax view of a SentimentModel (for predictProba). */
export function toSoftmax(m: SentimentModel): { softmax: SoftmaxModel; vocabulary: Map<string, number> } {
  const termList = Object.keys(m.terms);
  const L = m.libraryFeatures.length;
  const d = L + termList.length;
  const weights = new Float64Array(3 * d);
  for (let k = 0; k < 3; k++) {
    m.libraryWeights.forEach((w, j) => (weights[k * d + j] = w[k]));
    termList.forEach((t, j) => (weights[k * d + L + j] = m.terms[t][k]));
  }
  return {
    softmax: { classes: 3, features: d, weights, bias: Float64Array.from(m.bias) },
    vocabulary: new Map(termList.map((t, j) => [t, j])),
  };
}

export interface ModelScore {
  /** P(positive) − P(negative), in [−1, 1]. */
  score: number;
  label: SentimentLabel;
  probabilities: [number, number, number];
}

/** Scores texts with a model; label = the most probable class. */
export function scoreWithModel(m: SentimentModel, texts: readonly string[]): ModelScore[] {
  const { softmax, vocabulary } = toSoftmax(m);
  const p = new Float64Array(3);
  return texts.map((text) => {
    const row = featureRow(libraryFeatureValues(text, m.libraryFeatures), distinctTerms(text), vocabulary);
    predictProba(softmax, row, p);
    let best = 0;
    for (let k = 1; k < 3; k++) if (p[k] > p[best]) best = k;
    return { score: p[2] - p[0], label: LABELS[best], probabilities: [p[0], p[1], p[2]] };
  });
}
