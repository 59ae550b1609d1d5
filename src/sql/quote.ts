/**
 * SQL quoting shared by every dialect Spiral speaks: DuckDB, PostgreSQL and ClickHouse agree on
 * double-quoted identifiers and single-quoted strings with '' inside. (ClickHouse also reads a
 * backslash as an escape inside strings, so `lit` doubles backslashes for it: see `litFor`.)
 */

/** A quoted identifier: "col ""x""". */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A quoted string literal: 'it''s'. */
export function lit(value: string): string {
  if (value.includes('\0')) throw new Error('SQL string literal cannot contain a NUL character');
  return `'${value.replace(/'/g, "''")}'`;
}

/** A string literal for an engine: ClickHouse reads backslashes as escapes, so they are doubled there. */
export function litFor(engine: 'duckdb' | 'postgres' | 'clickhouse', value: string): string {
  return engine === 'clickhouse' ? lit(value.replace(/\\/g, '\\\\')) : lit(value);
}

/** A numeric literal; throws on NaN/Infinity so no silent garbage reaches SQL. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/**
 * The text of a UTC timestamp as every engine reads it: '2024-01-31 12:00:00' (with .mmm when
 * the instant has milliseconds). A string is taken as already in that form (or an ISO date).
 */
export function timestampText(value: Date | string): string {
  if (typeof value === 'string') return value.replace('T', ' ').replace(/Z$/, '');
  if (Number.isNaN(value.getTime())) throw new Error('not a valid date');
  const iso = value.toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, 19).replace('T', ' ') : iso.slice(0, 23).replace('T', ' ');
}

/** A timestamp literal DuckDB and Postgres read: TIMESTAMP '2024-01-31 12:00:00' (dialects have their own hook). */
export function timestampLit(value: Date | string): string {
  return `TIMESTAMP ${lit(timestampText(value))}`;
}
