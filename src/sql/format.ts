/**
 * printf-style text built in SQL the same way on every engine. DuckDB and ClickHouse have printf,
 * Postgres does not (its format() knows only %s), and ClickHouse's printf rounds 1.235 to 1.24
 * where DuckDB's prints 1.23; so the text is concatenated from casts, and a fixed-point number is
 * rounded in plain double arithmetic as C's printf rounds it (fixedText).
 */
import type { Dialect } from './dialect.js';

/**
 * `expr` as text with `digits` decimals, exactly as printf('%.Nf') prints a double: the binary value
 * rounded correctly, exact ties to even. x·10^N in doubles is inexact (1.95·10 = 19.5), so the
 * product's rounding error comes from Dekker's exact product (a Veltkamp split of |x|: plain IEEE
 * double arithmetic, the same on every engine) and decides the cases where the product lands on .5.
 * NULL stays NULL.
 */
export function fixedText(d: Dialect, expr: string, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 9) throw new Error(`fixedText: digits must be 0..9, got ${digits}`);
  const dbl = d.types.double;
  const text = (e: string): string => `CAST(${e} AS ${d.types.text})`;
  const x = `CAST(${expr} AS ${dbl})`;
  // DuckDB's printf is the reference this rounding reproduces: used as is (the sign apart, so that −0 prints as 0
  // like below). The formula repeats x some 70 times, and on a million reasons that cost seconds.
  if (d.name === 'duckdb') return `(CASE WHEN ${x} < 0 THEN '-' ELSE '' END || printf('%.${digits}f', abs(${x})))`;
  const P = `CAST(${10 ** digits} AS ${dbl})`;
  const a = `abs(${x})`;
  const p = `(${a} * ${P})`;
  const c = `(CAST(134217729 AS ${dbl}) * ${a})`;
  const hi = `(${c} - (${c} - ${a}))`;
  const err = `((${hi} * ${P} - ${p}) + (${a} - ${hi}) * ${P})`;
  const f = `floor(${p})`;
  const half = `(${p} - ${f} - 0.5)`;
  const k = `CAST(CASE WHEN ${half} > 0 OR (${half} = 0 AND (${err} > 0 OR (${err} = 0 AND ${f} - 2 * floor(${f} / 2) = 1))) THEN ${f} + 1 ELSE ${f} END AS ${d.types.bigint})`;
  const sign = `CASE WHEN ${x} < 0 THEN '-' ELSE '' END`;
  if (digits === 0) return `(${sign} || ${text(k)})`;
  const whole = `CAST(floor(${k} / ${P}) AS ${d.types.bigint})`;
  const frac = `CAST(${k} - ${P} * floor(${k} / ${P}) AS ${d.types.bigint})`;
  return `(${sign} || ${text(whole)} || '.' || lpad(${text(frac)}, ${digits}, '0'))`;
}

/**
 * A printf template with SQL arguments as one text expression: %d and %s print the argument's text
 * (CAST … AS text), %.Nf a fixed-point number (fixedText), %% a percent sign.
 */
export function sqlPrintf(d: Dialect, template: string, ...args: string[]): string {
  const parts: string[] = [];
  let lit = '';
  let a = 0;
  const flush = (): void => {
    if (lit !== '') parts.push(d.lit(lit));
    lit = '';
  };
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '%') {
      lit += c;
      continue;
    }
    const m = /^%(%|d|s|\.(\d)f)/.exec(template.slice(i));
    if (!m) throw new Error(`sqlPrintf: unsupported conversion at "${template.slice(i, i + 4)}" in "${template}"`);
    i += m[0].length - 1;
    if (m[1] === '%') {
      lit += '%';
      continue;
    }
    if (a >= args.length) throw new Error(`sqlPrintf: "${template}" needs more than ${args.length} argument(s)`);
    flush();
    const arg = args[a++];
    parts.push(m[2] !== undefined ? fixedText(d, arg, Number(m[2])) : `CAST(${arg} AS ${d.types.text})`);
  }
  flush();
  if (a !== args.length) throw new Error(`sqlPrintf: "${template}" takes ${a} argument(s), got ${args.length}`);
  return parts.length === 0 ? d.lit('') : `(${parts.join(' || ')})`;
}
