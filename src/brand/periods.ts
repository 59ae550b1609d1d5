/**
 * Calendar periods for brand series: the SQL that buckets a timestamp into a period start and a
 * period index, and the dense axis of period labels (YYYY-MM-DD; weeks start on Monday, as in
 * DuckDB's date_trunc('week') and the ISO calendar).
 */
import type { Dialect } from '../sql/dialect.js';

export type BrandPeriod = 'day' | 'week' | 'month';
export const BRAND_PERIODS: readonly BrandPeriod[] = ['day', 'week', 'month'];

const DAY_MS = 86_400_000;

/** SQL: the period start (a DATE) of `ts`, in the store's dialect. */
export function periodStartSql(d: Dialect, period: BrandPeriod, ts = 'ts'): string {
  return d.toDate(d.periodStart(period, ts));
}

/** SQL: the integer index of `ts`'s period counted from the period starting at `origin` (YYYY-MM-DD, a period start). */
export function periodIndexSql(d: Dialect, period: BrandPeriod, origin: string, ts = 'ts'): string {
  const start = periodStartSql(d, period, ts);
  const o = d.date(origin);
  if (period === 'day') return d.daysBetween(start, o);
  if (period === 'week') return d.intDiv(d.daysBetween(start, o), '7');
  const part = (p: 'YEAR' | 'MONTH', e: string): string => `CAST(EXTRACT(${p} FROM ${e}) AS INTEGER)`;
  return `((${part('YEAR', start)} - ${part('YEAR', o)}) * 12 + ${part('MONTH', start)} - ${part('MONTH', o)})`;
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
