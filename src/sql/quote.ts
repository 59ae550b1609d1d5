/** SQL quoting shared by every dialect we speak (DuckDB and Postgres agree on these). */

/** A quoted identifier: "col ""x""". */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A quoted string literal: 'it''s'. */
export function lit(value: string): string {
  if (value.includes('\0')) throw new Error('SQL string literal cannot contain a NUL character');
  return `'${value.replace(/'/g, "''")}'`;
}

/** A numeric literal; throws on NaN/Infinity so no silent garbage reaches SQL. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}
