/** ClickHouse's listening pieces (src/listening/sql.ts): lowerUTF8 (lower is ASCII only), arrayJoin, the values() table function. */
import { NOISE_RE, type ListeningSql } from '../../listening/sql.js';
import { litFor } from '../quote.js';

const lit = (v: string): string => litFor('clickhouse', v);

export const clickhouseListening: ListeningSql = {
  words: (t) => `arrayJoin(splitByRegexp('[^a-z'']+', replaceRegexpAll(lowerUTF8(${t}), ${lit(NOISE_RE)}, ' ')))`,
  trimQuotes: (w) => `trim(BOTH '''' FROM ${w})`,
  inName: (term, item) => `has(splitByRegexp('[^a-z0-9]+', lowerUTF8(coalesce(${item}, ''))), ${term})`,
  values: (rows) => `values('rn UInt64, score Float64, label String', ${rows.map(([rn, score, label]) => `(${rn}, ${score}, ${lit(label)})`).join(',\n')}) AS v`,
  tableOptions: ' ENGINE = MergeTree ORDER BY (method, event_id)',
  maxValuesRows: 2_000,
};
