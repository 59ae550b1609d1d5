/** DuckDB's listening pieces (src/listening/sql.ts). */
import { NOISE_RE, type ListeningSql } from '../../listening/sql.js';
import { lit } from '../quote.js';

export const duckdbListening: ListeningSql = {
  words: (t) => `unnest(regexp_split_to_array(regexp_replace(lower(${t}), ${lit(NOISE_RE)}, ' ', 'g'), '[^a-z'']+'))`,
  trimQuotes: (w) => `trim(${w}, '''')`,
  inName: (term, item) => `list_contains(regexp_split_to_array(lower(coalesce(${item}, '')), '[^a-z0-9]+'), ${term})`,
  values: (rows) => `(VALUES ${rows.map(([rn, score, label]) => `(${rn}, ${score}, ${lit(label)})`).join(',\n')}) AS v(rn, score, label)`,
  tableOptions: '',
  maxValuesRows: Number.POSITIVE_INFINITY,
};
