/**
 * Calendar periods for brand series: the SQL that buckets a timestamp into a period start and a
 * period index, and the dense axis of period labels (YYYY-MM-DD; weeks start on Monday, as in
 * DuckDB's date_trunc('week') and the ISO calendar).
 */
import { lit } from '../sql/quote.js';

export type BrandPeriod = 'day' | 'week' | 'month';
export const BRAND_PERIODS: readonly BrandPeriod[] = ['day', 'week', 'month'];

const DAY_MS = 86_400_000;

/** SQL: the period start (a DATE) of `ts`. */
export function periodStartSql(period: BrandPeriod, ts = 'ts'): string {
  return `CAST(date_trunc(${lit(period)}, ${ts}) AS DATE)`;
}

/** SQL: the integer index of `ts`'s period counted from the period starting at `origin` (YYYY-MM-DD, a period start). */
export function periodIndexSql(period: BrandPeriod, origin: string, ts = 'ts'): string {
  const start = periodStartSql(period, ts);
  const o = `DATE ${lit(origin)}`;
  if (period === 'day') return `date_diff('day', ${o}, ${start})`;
  if (period === 'week') return `(date_diff('day', ${o}, ${start}) // 7)`;
  return `((year(${start}) - year(${o})) * 12 + month(${start}) - month(${o}))`;
}

/** The period start after `label` (YYYY-MM-DD). */
export function nextPeriod(period: BrandPeriod, label: string): string {
  const d = new Date(`${label}T00:00:00Z`);
  if (period === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  return new Date(d.getTime() + (period === 'day' ? 1 : 7) * DAY_MS).toISOString().slice(0, 10);
}

/** Every period start from `first` to `last` inclusive. */
export function periodAxis(period: BrandPeriod, first: string, last: string): string[] {
  const out: string[] = [];
  for (let p = first; p <= last; p = nextPeriod(period, p)) out.push(p);
  return out;
}

/** Length of the period starting at `label`, in milliseconds. */
export function periodLengthMs(period: BrandPeriod, label: string): number {
  return Date.parse(`${nextPeriod(period, label)}T00:00:00Z`) - Date.parse(`${label}T00:00:00Z`);
}

/** The default recency rule: a customer is active in a period with an event in it or the k − 1 before. */
export const ACTIVE_PERIODS: Readonly<Record<BrandPeriod, number>> = { day: 30, week: 13, month: 3 };
