/**
 * Number and date formatting for the report. Locale-independent on purpose (no Intl), so the same
 * result renders to the same bytes on every machine: `,` groups thousands, `.` is the decimal point.
 */

/** The mark shown in place of a missing number. Always paired with a reason. */
export const MISSING = '—';

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 1234567.891 with 2 decimals → "1,234,567.89"; non-finite → "—". */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return MISSING;
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, frac] = fixed.split('.');
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return sign + groupThousands(whole) + (frac === undefined ? '' : `.${frac}`);
}

export function formatInteger(value: number): string {
  return formatNumber(value, 0);
}

/** A share in [0, 1] as a percentage: 0.3857 → "38.6%". */
export function formatPercent(share: number, decimals = 1): string {
  if (!Number.isFinite(share)) return MISSING;
  return `${formatNumber(share * 100, decimals)}%`;
}

/** Money without a currency symbol (the result states the currency in words): 2 decimals. */
export function formatAmount(value: number): string {
  return formatNumber(value, 2);
}

/**
 * An ISO timestamp shown as "2024-06-30 14:05 UTC"; a plain date stays as it is. Text that is not
 * a timestamp is shown unchanged rather than guessed at.
 */
export function formatTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (m === null) return iso;
  const zone = m[3] === undefined ? '' : m[3] === 'Z' ? ' UTC' : ` UTC${m[3]}`;
  return `${m[1]} ${m[2]}${zone}`;
}

/** The date part of an ISO date or timestamp: "2024-06-30T00:00:00Z" → "2024-06-30". */
export function formatDate(iso: string): string {
  const m = /^\d{4}-\d{2}-\d{2}/.exec(iso);
  return m === null ? iso : m[0];
}
