/** Week axes: the result lists only weeks that had data; a chart must show the empty ones too. */

const DAY_MS = 86_400_000;
/** About 29 years of weeks; a longer axis is shown as the weeks that have data. */
export const MAX_FILLED_WEEKS = 1_500;

function parseDay(week: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(week);
  if (m === null) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : t;
}

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * Every week from the earliest to the latest of `weeks`, 7 days apart, as YYYY-MM-DD (see weekKey).
 * If a label is not a date, the labels are not on a 7-day grid, or the range is longer than
 * MAX_FILLED_WEEKS, the labels are returned sorted and unfilled rather than guessed at.
 */
export function weekAxis(weeks: Iterable<string>): string[] {
  const labels = [...new Set([...weeks].map(weekKey))].sort();
  if (labels.length === 0) return [];
  const days = labels.map(parseDay);
  if (days.some((d) => d === null)) return labels;
  const times = days as number[];
  const first = times[0];
  if (times.some((t) => (t - first) % (7 * DAY_MS) !== 0)) return labels;
  const last = times[times.length - 1];
  // A stray date (epoch 0, year 1900) would otherwise fill thousands of empty weeks into every chart and table.
  if ((last - first) / (7 * DAY_MS) + 1 > MAX_FILLED_WEEKS) return labels;
  const axis: string[] = [];
  for (let t = first; t <= last; t += 7 * DAY_MS) axis.push(isoDay(t));
  return axis;
}

/** The YYYY-MM-DD key a week label falls on (labels may carry a time part). */
export function weekKey(week: string): string {
  const t = parseDay(week);
  return t === null ? week : isoDay(t);
}
