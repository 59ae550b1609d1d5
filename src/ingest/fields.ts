/**
 * Mapping → SQL: one expression per canonical field, and one `reason` expression that names the
 * first problem of a row (null for a good row). Everything here runs inside the store.
 */
import { EVENT_TYPES } from '../domain/events.js';
import { fieldObject, mappingLimits, type FieldObject, type Mapping, type TsFormat } from '../domain/mapping.js';
import { lit } from '../sql/quote.js';
import type { SourceReader } from './reader.js';

/** The canonical columns a mapped select produces, in the events table's order (plus `reason`). */
export const MAPPED_COLUMNS = [
  'event_id', 'customer_id', 'ts', 'type', 'item_id', 'amount', 'quantity', 'peer_id', 'channel', 'rating', 'text', 'props',
] as const;

const NULL_TEXT = 'CAST(NULL AS VARCHAR)';

/**
 * The raw text of a field: a column read as VARCHAR ('' → NULL, unless the reader gives empty values
 * as NULL already), or a constant. Values are not
 * trimmed: trimming every field cost more than the rest of the mapping (bench/RESULTS.md, ingest),
 * and DuckDB's casts to numbers and timestamps already ignore surrounding spaces.
 */
function rawText(reader: SourceReader, spec: FieldObject | undefined): string {
  if (!spec) return NULL_TEXT;
  if (spec.const !== undefined) return lit(String(spec.const));
  const col = reader.column(spec.column!);
  return typeOf(reader, spec) || reader.emptyIsNull ? `CAST(${col} AS VARCHAR)` : `NULLIF(CAST(${col} AS VARCHAR), '')`;
}

/** The source type of a mapped column when it is typed and not text (Parquet), else null. */
function typeOf(reader: SourceReader, spec: FieldObject | undefined): string | null {
  if (!spec?.column || !reader.types) return null;
  const t = reader.types.get(spec.column);
  return t && t !== 'VARCHAR' ? t : null;
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/**
 * The field's value in the source's own type when it has one worth keeping (numbers, timestamps),
 * else its text: numbers and timestamps then need no parsing.
 */
function rawValue(reader: SourceReader, spec: FieldObject | undefined): string {
  const t = typeOf(reader, spec);
  if (t && (NUMERIC_TYPE.test(t) || t.startsWith('TIMESTAMP') || t === 'DATE')) return reader.column(spec!.column!);
  return rawText(reader, spec);
}

/** A typed timestamp column → UTC TIMESTAMP, or null when the column is text (parse it instead). */
function typedTs(reader: SourceReader, spec: FieldObject, format: TsFormat): string | null {
  const t = typeOf(reader, spec);
  if (!t) return null;
  if (t === 'TIMESTAMP') return 'r_ts';
  if (t.startsWith('TIMESTAMP') || t === 'DATE') return 'CAST(r_ts AS TIMESTAMP)';
  if (NUMERIC_TYPE.test(t) && (format === 'epoch_s' || format === 'epoch_ms')) {
    return `TRY(make_timestamp(CAST(r_ts * ${format === 'epoch_s' ? 1000000 : 1000} AS BIGINT)))`;
  }
  return null;
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
      // A plain TIMESTAMP cast is the fast path (a trailing Z is UTC, which is what the store keeps);
      // only strings that end in a numeric offset (+02:00, -0800) take the slower, zone-aware parse.
      // A trailing Z is tested first: one byte compare, where the offset test takes characters from
      // the end of the string (half of this expression's CPU time on the bench's ISO strings).
      return `(CASE WHEN suffix(${raw}, 'Z') THEN TRY_CAST(${raw} AS TIMESTAMP)
        WHEN length(${raw}) > 10 AND (${raw}[-6] IN ('+', '-') OR ${raw}[-5] IN ('+', '-'))
        THEN CAST(CASE WHEN ${raw}[-6] = ' ' THEN TRY_STRPTIME(${raw}, '%Y-%m-%d %H:%M:%S %z') ELSE TRY_CAST(${raw} AS TIMESTAMPTZ) END AS TIMESTAMP)
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
  const text = `CAST(${raw} AS VARCHAR)`;
  return `'"' || left(${text}, 60) || CASE WHEN length(${text}) > 60 THEN '…' ELSE '' END || '"'`;
}

/**
 * One SELECT that maps a source to canonical columns plus `reason` (null for a good row) and, where
 * the reader has one, `raw`. Two layers so each raw text and parsed value is computed once: the
 * inner one reads and parses, the outer one checks. `notOneLine`: also the reader's `notOneLine`
 * condition, as the column `spiral_not_one_line`.
 */
export function buildMappedSelect(reader: SourceReader, mapping: Mapping, opts: { notOneLine?: boolean } = {}): string {
  const notOneLine = opts.notOneLine && reader.notOneLine ? reader.notOneLine : null;
  const f = (name: keyof Mapping['fields']) => {
    const spec = mapping.fields[name];
    return spec === undefined ? undefined : fieldObject(spec);
  };
  const tsSpec = f('ts')!;
  const tsFormat: TsFormat = tsSpec.format ?? 'iso';
  const idSpec = f('event_id');
  const inner = [
    `${idSpec ? rawText(reader, idSpec) : NULL_TEXT} AS r_event_id`,
    `${rawText(reader, f('customer_id'))} AS r_customer_id`,
    `${rawValue(reader, tsSpec)} AS r_ts`,
    `${rawText(reader, f('type'))} AS r_type`,
    `${rawValue(reader, f('amount'))} AS r_amount`,
    `${rawValue(reader, f('quantity'))} AS r_quantity`,
    `${rawValue(reader, f('rating'))} AS r_rating`,
    `${textField(reader, f('item_id'))} AS item_id`,
    `${textField(reader, f('peer_id'))} AS peer_id`,
    `${textField(reader, f('channel'))} AS channel`,
    `${textValue(reader, f('text'))} AS text`,
    mapping.props?.length
      ? `json_object(${mapping.props.map((p) => `${lit(p)}, ${reader.column(p)}`).join(', ')}) AS props`
      : 'CAST(NULL AS JSON) AS props',
    ...(mapping.props ?? []).map((p, i) => `CAST(${reader.column(p)} AS VARCHAR) AS r_prop_${i}`),
    ...(reader.rawExpr ? [`${reader.rawExpr} AS spiral_raw`] : []),
    ...(reader.errorExpr ? [`${reader.errorExpr} AS spiral_error`] : []),
    ...(reader.passthrough ?? []),
    ...(notOneLine ? [`${notOneLine} AS spiral_not_one_line`] : []),
    ...(reader.format === 'ndjson' ? ['spiral_line', 'j'] : reader.format === 'json-array' ? ['j'] : []),
  ];
  const parsed = [
    'src.*',
    `${typedTs(reader, tsSpec, tsFormat) ?? tsExpr(typeOf(reader, tsSpec) ? 'CAST(r_ts AS VARCHAR)' : 'r_ts', tsFormat)} AS v_ts`,
    `lower(${withValueMap('r_type', f('type'))}) AS v_type`,
    `TRY_CAST(r_amount AS DOUBLE) AS v_amount`,
    `TRY_CAST(r_quantity AS DOUBLE) AS v_quantity`,
    `TRY_CAST(r_rating AS DOUBLE) AS v_rating`,
  ];
  const reasons: string[] = [];
  if (reader.errorExpr) reasons.push(`WHEN spiral_error IS NOT NULL THEN spiral_error`);
  if (reader.format === 'ndjson') {
    reasons.push(`WHEN spiral_line IS NULL OR trim(spiral_line) = '' THEN '(blank)'`, `WHEN j IS NULL THEN 'not valid JSON'`);
  } else if (reader.format === 'json-array') {
    reasons.push(`WHEN json_type(j) <> 'OBJECT' THEN 'not a JSON object'`);
  }
  if (idSpec) reasons.push(`WHEN r_event_id IS NULL THEN 'event_id is empty'`);
  reasons.push(
    `WHEN r_customer_id IS NULL THEN 'customer_id is empty'`,
    `WHEN r_ts IS NULL THEN 'ts is empty'`,
    `WHEN v_ts IS NULL THEN 'ts ' || ${shown('r_ts')} || ' is not ${formatLabel(tsFormat)}'`,
    `WHEN r_type IS NULL THEN 'type is empty'`,
    // list_contains, not IN: DuckDB plans an IN list this long as a join, evaluated once more for every place the condition is used
    `WHEN NOT list_contains([${EVENT_TYPES.map(lit).join(', ')}], v_type) THEN 'type ' || ${shown('r_type')} || ' is not an event type (map it in fields.type.values)'`,
  );
  for (const name of ['amount', 'quantity', 'rating'] as const) {
    reasons.push(`WHEN r_${name} IS NOT NULL AND (v_${name} IS NULL OR NOT isfinite(v_${name})) THEN '${name} ' || ${shown(`r_${name}`)} || ' is not a number'`);
  }
  reasons.push(...stringChecks(mapping, f, reader.exact === true, reader.nulChecked === true));
  const reason = `CASE ${reasons.join(' ')} END`;
  const outer = [
    `${idSpec ? withPrefix('r_event_id', idSpec) : NULL_TEXT} AS event_id`,
    `${withPrefix('r_customer_id', f('customer_id'))} AS customer_id`,
    'v_ts AS ts', 'v_type AS type', 'item_id', 'v_amount AS amount', 'v_quantity AS quantity', 'peer_id', 'channel',
    'v_rating AS rating', 'text', 'props',
    `${reason} AS reason`,
    ...(reader.rawExpr ? ['spiral_raw'] : []),
    ...(reader.passthrough ?? []),
    ...(notOneLine ? ['spiral_not_one_line'] : []),
  ];
  const select = `SELECT ${outer.join(', ')} FROM (SELECT ${parsed.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${reader.from}) src)`;
  // the raw text is kept only for rejected rows
  return reader.rawExpr
    ? `SELECT * EXCLUDE (spiral_raw), CASE WHEN reason IS NOT NULL THEN spiral_raw END AS raw FROM (${select})`
    : select;
}

/**
 * The checks every text value passes: no NUL byte (damage, never part of a value) and at most the
 * mapping's length limit in bytes (mapping.ts, DEFAULT_LIMITS). `strlen` is O(1) on DuckDB strings.
 * `nulChecked`: the reader looks for NUL bytes in whole lines instead (DuckDB's CSV reader: its line
 * count finds them, and a file with one is read again exactly, where these checks run), which costs
 * one `contains` per line instead of one per field.
 */
function stringChecks(
  mapping: Mapping, f: (name: keyof Mapping['fields']) => FieldObject | undefined, exact: boolean, nulChecked: boolean,
): string[] {
  const limits = mappingLimits(mapping);
  const checked: [string, string, number][] = [];
  const add = (name: keyof Mapping['fields'], expr: string, limit: number) => {
    const spec = f(name);
    if (spec?.column !== undefined) checked.push([name, expr, limit]);
  };
  add('event_id', 'r_event_id', limits.id);
  add('customer_id', 'r_customer_id', limits.id);
  add('item_id', 'item_id', limits.id);
  add('peer_id', 'peer_id', limits.id);
  add('type', 'r_type', limits.string);
  add('channel', 'channel', limits.string);
  add('text', 'text', limits.text);
  (mapping.props ?? []).forEach((p, i) => checked.push([`props.${p}`, `r_prop_${i}`, limits.string]));
  // A line break in an id or a type can only come from a quote that ran over lines: the exact
  // reader (lines.ts) rejects it, so the record is re-read line by line. DuckDB's reader never gets
  // here with one: a record over several lines sends the file to the exact reader.
  const lineBreak = (name: string, expr: string) => exact && !name.startsWith('props.') && name !== 'text'
    ? [`WHEN contains(${expr}, chr(10)) OR contains(${expr}, chr(13)) THEN '${name} contains a line break'`]
    : [];
  return checked.flatMap(([name, expr, limit]) => [
    `WHEN strlen(${expr}) > ${limit} THEN '${name} is ' || strlen(${expr}) || ' bytes long (the limit is ${limit}: limits in the mapping)'`,
    ...(nulChecked ? [] : [`WHEN contains(${expr}, chr(0)) THEN '${name} contains a NUL byte'`]),
    ...lineBreak(name, expr),
  ]);
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
