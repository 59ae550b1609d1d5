/**
 * Mapping → SQL: one expression per canonical field, and one `reason` expression that names the
 * first problem of a row (null for a good row). Everything here runs inside the store.
 */
import { EVENT_TYPES } from '../domain/events.js';
import { fieldObject, type FieldObject, type Mapping, type TsFormat } from '../domain/mapping.js';
import { lit } from '../sql/quote.js';
import type { SourceReader } from './reader.js';

export interface FieldExprs {
  /** Canonical columns (in events-table order, without event_id/props/source). */
  customer_id: string;
  ts: string;
  type: string;
  item_id: string;
  amount: string;
  quantity: string;
  peer_id: string;
  channel: string;
  rating: string;
  text: string;
  props: string;
  /** The mapped event id, or null when ids are derived from content. */
  event_id: string | null;
  reason: string;
}

const NULL_TEXT = 'CAST(NULL AS VARCHAR)';

/** The raw text of a field: a column read as VARCHAR (trimmed, '' → NULL), or a constant. */
function rawText(reader: SourceReader, spec: FieldObject | undefined): string {
  if (!spec) return NULL_TEXT;
  if (spec.const !== undefined) return lit(String(spec.const));
  return `NULLIF(trim(CAST(${reader.column(spec.column!)} AS VARCHAR)), '')`;
}

function withValueMap(expr: string, spec: FieldObject | undefined): string {
  if (!spec?.values || Object.keys(spec.values).length === 0) return expr;
  const cases = Object.entries(spec.values).map(([from, to]) => `WHEN ${lit(from)} THEN ${lit(to)}`);
  return `(CASE ${expr} ${cases.join(' ')} ELSE ${expr} END)`;
}

function withPrefix(expr: string, spec: FieldObject | undefined): string {
  return spec?.prefix ? `(${lit(spec.prefix)} || ${expr})` : expr;
}

/** Free text keeps its whitespace and line breaks (no trim). */
function textValue(reader: SourceReader, spec: FieldObject | undefined): string {
  if (!spec) return NULL_TEXT;
  if (spec.const !== undefined) return lit(String(spec.const));
  return `CAST(${reader.column(spec.column!)} AS VARCHAR)`;
}

function textField(reader: SourceReader, spec: FieldObject | undefined): string {
  return withPrefix(withValueMap(rawText(reader, spec), spec), spec);
}

/** Parses a timestamp into a UTC TIMESTAMP (the store's session time zone is UTC). */
export function tsExpr(raw: string, format: TsFormat): string {
  switch (format) {
    case 'iso':
      // Fast path for plain 'YYYY-MM-DD[ HH:MM:SS]' and a trailing Z (UTC); TIMESTAMPTZ (slow when it
      // fails) only for strings that end in an offset, with strptime first for "2015-02-24 11:35:52 -0800".
      return `(CASE WHEN length(${raw}) <= 19 THEN TRY_CAST(${raw} AS TIMESTAMP)
        WHEN suffix(${raw}, 'Z') THEN TRY_CAST(substr(${raw}, 1, length(${raw}) - 1) AS TIMESTAMP)
        WHEN regexp_matches(${raw}, '[+-][0-9]{2}:?[0-9]{2}$') THEN CAST(COALESCE(TRY_STRPTIME(${raw}, '%Y-%m-%d %H:%M:%S %z'), TRY_CAST(${raw} AS TIMESTAMPTZ)) AS TIMESTAMP)
        ELSE TRY_CAST(${raw} AS TIMESTAMP) END)`;
    case 'yyyymmdd':
      return `TRY_STRPTIME(${raw}, '%Y%m%d')`;
    case 'epoch_s':
      return `TRY(make_timestamp(CAST(TRY_CAST(${raw} AS DOUBLE) * 1000000 AS BIGINT)))`;
    case 'epoch_ms':
      return `TRY(make_timestamp(CAST(TRY_CAST(${raw} AS DOUBLE) * 1000 AS BIGINT)))`;
    default:
      return `CAST(TRY_STRPTIME(${raw}, ${lit(format)}) AS TIMESTAMP)`;
  }
}

function formatLabel(format: TsFormat): string {
  switch (format) {
    case 'iso': return 'an ISO 8601 date';
    case 'yyyymmdd': return 'a yyyymmdd date';
    case 'epoch_s': return 'epoch seconds';
    case 'epoch_ms': return 'epoch milliseconds';
    default: return `a date like ${format}`;
  }
}

/** Quotes a value for a reason message, shortened so one bad row cannot flood the reject file. */
function shown(raw: string): string {
  return `'"' || left(${raw}, 60) || CASE WHEN length(${raw}) > 60 THEN '…' ELSE '' END || '"'`;
}

export function buildFieldExprs(reader: SourceReader, mapping: Mapping): FieldExprs {
  const f = (name: keyof Mapping['fields']) => {
    const spec = mapping.fields[name];
    return spec === undefined ? undefined : fieldObject(spec);
  };
  const customerRaw = rawText(reader, f('customer_id'));
  const tsSpec = f('ts')!;
  const tsRaw = rawText(reader, tsSpec);
  const tsFormat: TsFormat = tsSpec.format ?? 'iso';
  const typeRaw = rawText(reader, f('type'));
  const typeMapped = withValueMap(typeRaw, f('type'));
  const typeNorm = `lower(${typeMapped})`;
  const numeric = (name: 'amount' | 'quantity' | 'rating') => {
    const raw = rawText(reader, f(name));
    return { raw, value: `TRY_CAST(${raw} AS DOUBLE)` };
  };
  const amount = numeric('amount');
  const quantity = numeric('quantity');
  const rating = numeric('rating');
  const idSpec = f('event_id');
  const eventIdRaw = idSpec ? rawText(reader, idSpec) : null;

  const reasons: string[] = [];
  if (eventIdRaw) reasons.push(`WHEN ${eventIdRaw} IS NULL THEN 'event_id is empty'`);
  reasons.push(
    `WHEN ${customerRaw} IS NULL THEN 'customer_id is empty'`,
    `WHEN ${tsRaw} IS NULL THEN 'ts is empty'`,
    `WHEN ${tsExpr(tsRaw, tsFormat)} IS NULL THEN 'ts ' || ${shown(tsRaw)} || ' is not ${formatLabel(tsFormat)}'`,
    `WHEN ${typeRaw} IS NULL THEN 'type is empty'`,
    `WHEN ${typeNorm} NOT IN (${EVENT_TYPES.map(lit).join(', ')}) THEN 'type ' || ${shown(typeRaw)} || ' is not an event type (map it in fields.type.values)'`,
  );
  for (const [name, n] of [['amount', amount], ['quantity', quantity], ['rating', rating]] as const) {
    reasons.push(`WHEN ${n.raw} IS NOT NULL AND (${n.value} IS NULL OR NOT isfinite(${n.value})) THEN '${name} ' || ${shown(n.raw)} || ' is not a number'`);
  }
  const reason = `CASE ${reasons.join(' ')} END`;

  const props = mapping.props?.length
    ? `json_object(${mapping.props.map((p) => `${lit(p)}, ${reader.column(p)}`).join(', ')})`
    : 'CAST(NULL AS JSON)';

  return {
    customer_id: withPrefix(customerRaw, f('customer_id')),
    ts: tsExpr(tsRaw, tsFormat),
    type: typeNorm,
    item_id: textField(reader, f('item_id')),
    amount: amount.value,
    quantity: quantity.value,
    peer_id: textField(reader, f('peer_id')),
    channel: textField(reader, f('channel')),
    rating: rating.value,
    text: textValue(reader, f('text')),
    props,
    event_id: eventIdRaw ? withPrefix(eventIdRaw, idSpec) : null,
    reason,
  };
}

/** Columns a mapping reads from the source (to check they exist before scanning). */
export function mappedColumns(mapping: Mapping): string[] {
  const cols = new Set<string>();
  for (const spec of Object.values(mapping.fields)) {
    if (spec === undefined) continue;
    const o = fieldObject(spec);
    if (o.column !== undefined) cols.add(o.column);
  }
  for (const p of mapping.props ?? []) cols.add(p);
  return [...cols];
}
