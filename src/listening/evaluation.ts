/**
 * Evaluating sentiment methods on human-labelled texts: reading a labelled CSV through the store
 * (DuckDB's CSV reader handles quoted multi-line fields), a seeded train/test split, and the
 * side-by-side table of accuracy and macro-F1.
 *
 * The caller passes the file path; the product never reads evaluation data on its own.
 */
import type { Store } from '../store/types.js';
import { createRng, shuffle } from '../models/numeric/random.js';
import { InvalidArgumentsError, labelIndex, type SentimentLabel } from './metrics.js';

export interface LabelledText {
  id: string;
  text: string;
  label: SentimentLabel;
}

export interface LabelledCsvColumns {
  id: string;
  text: string;
  label: string;
  /** Breaks label disagreements between rows of one id: the most confident row wins. */
  confidence?: string;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * One labelled text per distinct id (a CSV may repeat an id: the Twitter airline file has 14,640
 * rows for 14,485 tweets, 18 of them with disagreeing labels, where the most confident row wins).
 * Sorted by id so downstream splits are reproducible.
 */
export async function readLabelledCsv(store: Store, path: string, cols: LabelledCsvColumns): Promise<LabelledText[]> {
  const order = cols.confidence ? `TRY_CAST(${ident(cols.confidence)} AS DOUBLE) DESC NULLS LAST, ` : '';
  const rows = await store.query<{ id: string; text: string; label: string }>(
    `SELECT ${ident(cols.id)} AS id,
            first(${ident(cols.text)} ORDER BY ${order}${ident(cols.label)}) AS text,
            first(${ident(cols.label)} ORDER BY ${order}${ident(cols.label)}) AS label
       FROM read_csv(?, header = true, all_varchar = true)
      WHERE ${ident(cols.text)} IS NOT NULL AND ${ident(cols.label)} IS NOT NULL
      GROUP BY 1 ORDER BY 1`,
    [path],
  );
  return rows.map((r) => {
    labelIndex(r.label);
    return { id: r.id, text: r.text, label: r.label as SentimentLabel };
  });
}

/** A seeded split: `testShare` of the items (after a seeded shuffle) go to test, the rest to train. */
export function splitTrainTest<T>(items: readonly T[], seed: number, testShare: number): { train: T[]; test: T[] } {
  if (!(testShare > 0 && testShare < 1)) throw new InvalidArgumentsError('split: testShare must be in (0, 1)');
  const order = Int32Array.from(items.keys());
  shuffle(createRng(seed), order);
  const nTest = Math.round(items.length * testShare);
  const test: T[] = [];
  const train: T[] = [];
  order.forEach((i, r) => (r < nTest ? test : train).push(items[i]));
  return { train, test };
}
