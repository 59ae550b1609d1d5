/**
 * Learning a SentimentModel from labelled texts: the vocabulary is every lexicon term in at least
 * `minDocs` training texts; the weights are a softmax regression fit (softmax.ts) on the library
 * scores and term presences.
 */
import { InvalidArgumentsError, LABELS, labelIndex, type SentimentLabel } from './metrics.js';
import { distinctTerms, featureRow, libraryFeatureValues, LIBRARY_FEATURES, type LibraryFeature, type SentimentModel } from './model.js';
import { fitSoftmax } from './softmax.js';

export interface TrainOptions {
  name: string;
  provenance: string;
  libraryFeatures: LibraryFeature[];
  /** A term enters the lexicon when it occurs in at least this many training texts. */
  minDocs: number;
  /** L2 penalty of the softmax fit on lexicon terms. */
  l2: number;
  /** L2 penalty multiplier of the library features relative to terms (small: the libraries stay in charge). */
  libraryPenalty: number;
  /** A fixed vocabulary instead of every term with ≥ minDocs texts (e.g. only `?` and `!`). */
  vocabulary?: readonly string[];
  /**
   * 'training': keep the class shares of the training data in the biases; 'uniform': remove them
   * (subtract log share from each bias), for data whose class mix is unknown.
   */
  prior: 'training' | 'uniform';
}

export const TRAIN_DEFAULTS: Omit<TrainOptions, 'name' | 'provenance' | 'vocabulary'> = {
  libraryFeatures: [...LIBRARY_FEATURES],
  minDocs: 5,
  l2: 1e-3,
  libraryPenalty: 1,
  prior: 'training',
};

/** Precomputed inputs of one labelled text, so several fits can share the (slow) library scoring. */
export interface PreparedText {
  library: number[];
  terms: string[];
  label: SentimentLabel;
}

export function prepareTexts(texts: readonly string[], labels: readonly SentimentLabel[], libraryFeatures: readonly LibraryFeature[]): PreparedText[] {
  if (texts.length !== labels.length) throw new InvalidArgumentsError(`train: ${texts.length} texts but ${labels.length} labels`);
  return texts.map((t, i) => ({ library: libraryFeatureValues(t, libraryFeatures), terms: distinctTerms(t), label: labels[i] }));
}

/** Fits a model on prepared texts whose library values follow `opts.libraryFeatures`. */
export function trainModel(data: readonly PreparedText[], opts: TrainOptions): SentimentModel {
  if (data.length === 0) throw new InvalidArgumentsError('train: no labelled texts');
  const df = new Map<string, number>();
  for (const d of data) for (const t of d.terms) df.set(t, (df.get(t) ?? 0) + 1);
  const termList = [...df]
    .filter(([t, c]) => (opts.vocabulary ? opts.vocabulary.includes(t) : c >= opts.minDocs))
    .map(([t]) => t)
    .sort();
  const vocabulary = new Map(termList.map((t, j) => [t, j]));
  const L = opts.libraryFeatures.length;
  const rows = data.map((d) => featureRow(d.library, d.terms, vocabulary));
  const y = Int32Array.from(data.map((d) => labelIndex(d.label)));
  const featurePenalty = new Float64Array(L + termList.length).fill(1);
  featurePenalty.fill(opts.libraryPenalty, 0, L);
  const fit = fitSoftmax(rows, y, 3, L + termList.length, { l2: opts.l2, featurePenalty });
  const d = fit.features;
  if (opts.prior === 'uniform') {
    const share = [0, 0, 0];
    for (const c of y) share[c] += 1 / y.length;
    for (let k = 0; k < 3; k++) fit.bias[k] -= Math.log(Math.max(share[k], 1e-12));
  }
  const triple = (j: number): [number, number, number] => [round(fit.weights[j]), round(fit.weights[d + j]), round(fit.weights[2 * d + j])];
  const terms: Record<string, [number, number, number]> = {};
  termList.forEach((t, j) => (terms[t] = triple(L + j)));
  return {
    name: opts.name,
    provenance: opts.provenance,
    libraryFeatures: [...opts.libraryFeatures],
    classes: LABELS,
    bias: [round(fit.bias[0]), round(fit.bias[1]), round(fit.bias[2])],
    libraryWeights: opts.libraryFeatures.map((_, j) => triple(j)),
    terms,
  };
}

/** Weights are stored with 6 significant digits: plenty for a softmax, and stable in a diff. */
function round(x: number): number {
  return Number(x.toPrecision(6));
}
