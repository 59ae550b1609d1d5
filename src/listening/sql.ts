/**
 * The listening statements' pieces that differ by engine (splitting texts into words, the scores
 * written back as a VALUES table), one object per engine:
 *
 *   DuckDB      src/sql/duckdb/listening.ts
 *   PostgreSQL  src/sql/postgres/listening.ts
 *   ClickHouse  src/sql/clickhouse/listening.ts
 *
 * The rest of src/listening/analyze.ts is one statement text with the dialect's hooks.
 */
import type { Store } from '../store/types.js';
import { duckdbListening } from '../sql/duckdb/listening.js';
import { postgresListening } from '../sql/postgres/listening.js';
import { clickhouseListening } from '../sql/clickhouse/listening.js';

/** The URLs, @handles and &amp; removed from a text before it is split into words. */
export const NOISE_RE = '(https?://[^ ]+|@[a-z0-9_]+|&amp;)';

export interface ListeningSql {
  /** Set-returning select expression: the words of `text` (lower-cased, NOISE_RE removed, split at anything but a-z and '). */
  words(text: string): string;
  /** `word` without leading and trailing apostrophes. */
  trimQuotes(word: string): string;
  /** True when `term` is one of the words of the item id `item` (lower-cased, split at anything but a-z and 0-9). */
  inName(term: string, item: string): string;
  /** A table (rn, score, label) of the given rows, as a FROM item aliased `v`. */
  values(rows: readonly (readonly [number, number, string])[]): string;
  /** Options after the text_sentiment column list (the table engine on ClickHouse). */
  tableOptions: string;
  /** The most rows one `values` table holds (ClickHouse parses at most max_query_size, 256 KiB, of SQL). */
  maxValuesRows: number;
}

const BY_ENGINE = { duckdb: duckdbListening, postgres: postgresListening, clickhouse: clickhouseListening } as const;

export function listeningSql(store: Pick<Store, 'dialect'>): ListeningSql {
  return BY_ENGINE[store.dialect];
}
