/** The hooks DuckDB and PostgreSQL spell the same way (standard SQL date handling), shared by both dialects. */
import type { Dialect } from './dialect.js';
import { lit, timestampText } from './quote.js';

export const standardDates: Pick<Dialect, 'lit' | 'timestamp' | 'date' | 'toDate' | 'daysBetween' | 'periodStart'> = {
  lit,
  timestamp: (v) => `TIMESTAMP ${lit(timestampText(v))}`,
  date: (ymd) => `DATE ${lit(ymd)}`,
  toDate: (e) => `CAST(${e} AS DATE)`,
  // DATE − DATE is a day count in both
  daysBetween: (to, from) => `(${to} - ${from})`,
  periodStart: (p, e) => `date_trunc('${p}', ${e})`,
};
