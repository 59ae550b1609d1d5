/** PostgreSQL's listening pieces (src/listening/sql.ts). */
import { NOISE_RE, type ListeningSql } from '../../listening/sql.js';
import { lit } from '../quote.js';

export const postgresListening: ListeningSql = {
  words: (t) => `regexp_split_to_table(regexp_replace(lower(${t}), ${lit(NOISE_RE)}, ' ', 'g'), '[^a-z'']+')`,
  trimQuotes: (w) => `btrim(${w}, '''')`,
  inName: (term, item) => `(${term} = ANY(regexp_split_to_array(lower(coalesce(${item}, '')), '[^a-z0-9]+')))`,
  values: (rows) => `(VALUES ${rows.map(([rn, score, label]) => `(${rn}, CAST(${score} AS DOUBLE PRECISION), ${lit(label)})`).join(',\n')}) AS v(rn, score, label)`,
  tableOptions: '',
  maxValuesRows: Number.POSITIVE_INFINITY,
};
